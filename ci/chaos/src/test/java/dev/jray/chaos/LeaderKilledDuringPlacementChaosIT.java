package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.PlacementChurnDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.Status;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kill the placement leader (the head, the oldest member) while a driver creates and removes
 * groups without pause: the next oldest member takes over placement, groups are still created
 * after the kill, and once the driver removed its groups no bundle is left reserved on any node
 * 10 s later (a bundle the dead leader prepared but never committed is returned when its lease
 * runs out).
 */
@Timeout(600)
class LeaderKilledDuringPlacementChaosIT {
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(4);
  /** How long the driver goes on placing groups under the new leader. */
  private static final Duration AFTER_KILL = ChaosMode.pick(Duration.ofSeconds(10),
      Duration.ofMinutes(5));

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"PGW\":4}", "worker1", "worker2");
  });

  @Test
  void noBundleIsLeftReservedAfterTheLeaderDiesMidPlacement() throws Exception {
    ChaosCluster c = chaos.get();
    Path stop = c.local().logDir().resolve("stop");
    ChildJvm driver = c.startDriver(PlacementChurnDriver.class, stop.toString());
    driver.awaitLine("^STEP started$", DRIVER_TIMEOUT);
    c.kill(c.node("head"));
    long killedAt = System.nanoTime();
    // let the driver place groups under the new leader for a while
    Await.until(Time.SYSTEM, AFTER_KILL, () -> !driver.process().isAlive());
    Files.createFile(stop);
    JvmResult r = driver.await(DRIVER_TIMEOUT);
    assertTrue(r.ok(), r.describe());
    c.log("groups created " + r.result("created") + " of " + r.result("groups") + "; the driver"
        + " ended " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill");
    assertTrue(Integer.parseInt(r.result("created")) > 0, r.describe());

    Status s = c.awaitStatus(st -> st.total("PGW") == 8.0 && st.used("PGW") == 0.0,
        Duration.ofSeconds(10));
    assertEquals(8.0, s.total("PGW"), "both workers report:\n" + s);
    assertEquals(0.0, s.used("PGW"), "no bundle is left reserved 10 s after the driver removed"
        + " its groups:\n" + s);
  }
}
