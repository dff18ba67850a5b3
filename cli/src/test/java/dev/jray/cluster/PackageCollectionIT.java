package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.PackagesDriver;
import dev.jray.gcs.time.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unused code packages are collected across JVMs (issue #15 item 4): on a head and a worker
 * whose grace for unused packages is 0 s, the package a driver's tasks loaded on the worker
 * leaves the GCS and the worker's cache once the driver has exited, and a later driver with the
 * same code ships it again and runs.
 */
@Timeout(value = 300)
class PackageCollectionIT {
  private static final String NO_GRACE = "-Djray.gcs.package-grace-seconds=0";

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("PackageCollectionIT", c -> {
    c.startHead(null, NO_GRACE, "-Djray.package-cache=" + c.tmpDir().resolve("head-packages"));
    c.startWorker("worker", "{\"W\":1}", NO_GRACE, "-Djray.package-cache=" + workerCache(c));
  });

  private static Path workerCache(LocalCluster c) {
    return c.tmpDir().resolve("worker-packages");
  }

  private static List<String> jars(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void aFinishedJobsPackageLeavesTheGcsAndTheNodeCacheAndALaterJobShipsItAgain() {
    LocalCluster c = CLUSTER.get();
    JvmResult first = c.runDriver(Duration.ofSeconds(120), List.of(), PackagesDriver.class);
    assertTrue(first.ok(), first.describe());
    String cached = first.result("cached");
    assertFalse(cached.isEmpty(), "the worker ran the driver's task from a cached package");

    // the leader collects it within a pass (3 s), the worker prunes its cache within 10 s
    Await.until("the worker's cache to drop " + cached, Duration.ofSeconds(60),
        () -> jars(workerCache(c)).isEmpty());

    JvmResult second = c.runDriver(Duration.ofSeconds(120), List.of(), PackagesDriver.class);
    assertTrue(second.ok(), "a job with the collected code ships it again: " + second.describe());
    assertFalse(second.result("cached").isEmpty(), second.describe());
  }
}
