package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.LostObjectsDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import dev.jray.gcs.time.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Objects lost with their node (issue #15 item 2): SIGKILL the node holding a 100 MB task result
 * before the driver reads it: the result is rebuilt from its lineage on the other node and every
 * value is right; then SIGKILL the node holding the only copy of a put (its owner): the driver's
 * get fails with UnreconstructableException within the get's timeout.
 */
@Timeout(600)
class ResultNodeKilledChaosIT {
  private static final int MB = 100;
  /** How many 100 MB results are made before the kill (the first one's node is killed). */
  private static final int RESULTS = ChaosMode.pick(2, 6);
  private static final long PUT_TIMEOUT_MS = 20_000;
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(6);

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"P\":1}", "worker1", "worker2");
  });

  /** The node whose id names the file a task wrote into {@code dir}. */
  private static LocalNode nodeNotedIn(ChaosCluster c, Path dir) {
    String id = Await.value("a task noting its node in " + dir, Duration.ofSeconds(10), () -> {
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(f -> f.getFileName().toString()).findFirst().orElse(null);
      } catch (IOException e) {
        return null;
      }
    });
    for (String label : new String[] {"worker1", "worker2"}) {
      if (c.node(label).nodeId().equals(id)) {
        return c.node(label);
      }
    }
    throw new AssertionError("no worker has the id " + id);
  }

  @Test
  void aLostResultIsRebuiltAndALostPutFailsWithinItsTimeout() throws Exception {
    ChaosCluster c = chaos.get();
    Path dir = c.local().logDir().resolve("objects");
    Files.createDirectories(dir);
    ChildJvm driver = c.startDriver(LostObjectsDriver.class, dir.toString(),
        Integer.toString(RESULTS), Integer.toString(MB), Long.toString(PUT_TIMEOUT_MS));

    driver.awaitLine("^STEP made$", DRIVER_TIMEOUT);
    LocalNode holder = nodeNotedIn(c, dir.resolve("made-0"));
    c.kill(holder);
    Files.createFile(dir.resolve("made-killed"));

    driver.awaitLine("^STEP put$", DRIVER_TIMEOUT);
    LocalNode putter = nodeNotedIn(c, dir.resolve("put"));
    assertNotEquals(holder, putter, "the put ran on the killed node");
    c.kill(putter);
    Files.createFile(dir.resolve("put-killed"));

    JvmResult r = driver.await(DRIVER_TIMEOUT);
    assertTrue(r.ok(), r.describe());
    assertEquals(Integer.toString(RESULTS), r.result("made-right"),
        "every value read after the kill is the one made: " + r.describe());
    try (Stream<Path> makers = Files.list(dir.resolve("made-0"))) {
      assertEquals(2, makers.count(), "the first result was made again, on the other node");
    }
    String outcome = r.result("put-outcome");
    assertTrue(outcome.startsWith("UnreconstructableException: "), "the lost put's get: " + outcome);
    assertTrue(outcome.contains(putter.nodeId()), "it names the dead owner: " + outcome);
    long putMs = Long.parseLong(r.result("put-ms"));
    assertTrue(putMs < PUT_TIMEOUT_MS, "the lost put's get took " + putMs + " ms, over its "
        + PUT_TIMEOUT_MS + " ms timeout");
    c.log("read " + RESULTS + " x 100 MB after the kill in " + r.result("made-read-ms")
        + " ms; the lost put failed in " + putMs + " ms: " + outcome);
  }
}
