package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.StoreFailureDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker whose object store (32 MiB) cannot hold a task's result, and then cannot spill (its
 * spill directories are gone, as on a filesystem that failed): each such task fails with a clear
 * error, and the worker keeps serving: its stored result still reads back from another node and
 * the next task runs there.
 */
@Timeout(600)
class StoreFailureChaosIT {
  private static final int STORE_BYTES = 32 << 20;

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorker("small-store", "{\"SMALLSTORE\":10}", "--object-store-memory",
        Integer.toString(STORE_BYTES));
  });

  @Test
  void resultsThatCannotBeStoredFailTheirTasksAndTheWorkerKeepsServing() throws Exception {
    ChaosCluster c = chaos.get();
    LocalNode worker = c.node("small-store");
    Path go = c.local().logDir().resolve("go");
    ChildJvm driver = c.startDriver(StoreFailureDriver.class,
        Integer.toString(STORE_BYTES), go.toString());
    driver.awaitLine("^STEP stored$", Duration.ofMinutes(3));
    deleteSpillDirectories(c.local().tmpDir());
    Files.createFile(go);

    JvmResult r = driver.await(Duration.ofMinutes(3));
    assertTrue(r.ok(), r.describe());
    assertTrue(r.result("too-large").contains("could not be stored")
        && r.result("too-large").contains("object store is full"), r.describe());
    assertEquals("ok", r.result("fits"), r.describe());
    assertTrue(r.result("needs-spill").contains("cannot spill"), r.describe());
    assertEquals("ok", r.result("kept-after"), "the stored result is still there:\n" + r.describe());
    assertEquals(worker.nodeId(), r.result("small-task-node"), r.describe());
    assertTrue(worker.process().isAlive(), "the worker keeps running");
  }

  /** Every node's spill directory under the cluster's java.io.tmpdir: spilling fails from now. */
  private static void deleteSpillDirectories(Path tmp) throws IOException {
    List<Path> spill;
    try (Stream<Path> dirs = Files.list(tmp)) {
      spill = dirs.filter(p -> p.getFileName().toString().startsWith("jray-spill-")).toList();
    }
    assertTrue(!spill.isEmpty(), "no spill directory under " + tmp);
    for (Path dir : spill) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
