package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.LineageDriver;
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
 * Lineage reconstruction across JVMs (issue #15 item 2): a head and two workers with {@code
 * {"P":1}} each; the node holding a 100 MB task result is SIGKILLed before the driver reads it,
 * and the driver gets the value rebuilt on the other; then the node owning a 100 MB put is
 * SIGKILLed, and the driver's get fails with UnreconstructableException within its timeout.
 */
@Timeout(value = 300)
class ReconstructionIT {
  private static final int MB = 100;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("ReconstructionIT", c -> {
    c.startHead(null, "-Xmx1g");
    var w1 = c.startWorkerAsync("worker1", "{\"P\":1}", "-Xmx1g");
    var w2 = c.startWorkerAsync("worker2", "{\"P\":1}", "-Xmx1g");
    c.awaitUp(w1, Duration.ofSeconds(120));
    c.awaitUp(w2, Duration.ofSeconds(120));
  });

  /** The node whose id names the one file in {@code dir}, once a task wrote it there. */
  private static LocalNode nodeNotedIn(LocalCluster c, Path dir) throws IOException {
    String id = Await.value("a task noting its node in " + dir, Duration.ofSeconds(10), () -> {
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(f -> f.getFileName().toString()).findFirst().orElse(null);
      } catch (IOException e) {
        return null;
      }
    });
    return c.nodes().stream().filter(n -> n.nodeId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no node has the id " + id + ": " + c.nodes()));
  }

  @Test
  void aLostTaskResultIsRebuiltAndALostPutFailsWithinItsTimeout() throws Exception {
    LocalCluster c = CLUSTER.get();
    Path dir = c.tmpDir().resolve("lineage");
    Files.createDirectories(dir);
    ChildJvm driver = c.startDriver(List.of("-Xmx1g"), LineageDriver.class,
        dir.toString(), Integer.toString(MB));

    driver.awaitLine("^MADE$", Duration.ofSeconds(120));
    LocalNode maker = nodeNotedIn(c, dir.resolve("made"));
    c.kill(maker);
    Files.createFile(dir.resolve("made-killed"));

    driver.awaitLine("^PUT$", Duration.ofSeconds(150));
    LocalNode putter = nodeNotedIn(c, dir.resolve("put"));
    assertNotEquals(maker, putter);
    c.kill(putter);
    Files.createFile(dir.resolve("put-killed"));

    JvmResult r = driver.await(Duration.ofSeconds(120));
    assertTrue(r.ok(), r.describe());
    assertEquals(r.result("expected-digest") + "@" + r.result("driver-node"), r.result("made-digest"),
        "the rebuilt value differs from the one made: " + r.describe());
    try (Stream<Path> made = Files.list(dir.resolve("made"))) {
      assertEquals(List.of(maker.nodeId(), putter.nodeId()),
          made.map(f -> f.getFileName().toString()).sorted((a, b) -> a.equals(maker.nodeId()) ? -1 : 1).toList(),
          "made on the killed node first, then rebuilt on the other");
    }
    String outcome = r.result("put-outcome");
    assertTrue(outcome.startsWith("UnreconstructableException: "), r.describe());
    assertTrue(outcome.contains(putter.nodeId()) || outcome.contains("owner"), outcome);
    long putMs = Long.parseLong(r.result("put-ms"));
    assertTrue(putMs < 20_000, "the lost put's get took " + putMs + " ms, over its 20 s timeout");
    c.log("rebuilt 100 MB in " + r.result("rebuild-ms") + " ms; the lost put failed in " + putMs
        + " ms: " + outcome);
  }
}
