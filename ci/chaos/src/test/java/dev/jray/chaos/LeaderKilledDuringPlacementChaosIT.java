package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.PlacementChurnDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.Status;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.placement.PlacementVerticle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kill the placement leader (the head, the oldest member) between the two phases of a group's
 * placement, while a driver creates and removes groups without pause: the head holds each
 * group's commit for 3 s ({@link PlacementVerticle#COMMIT_DELAY_PROPERTY}) and is SIGKILLed as
 * soon as it says it holds one, its bundles prepared on both workers (each bundle fills a
 * worker). The next oldest member takes over placement; the bundles the dead leader prepared and
 * never committed are returned when their lease runs out, so groups are still created after the
 * kill (every one: none waits out its 60 s for room the dead leader's bundles hold), and once
 * the driver removed its groups no bundle is left reserved on any node 10 s later.
 */
@Timeout(600)
class LeaderKilledDuringPlacementChaosIT {
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(4);
  /** How long the driver goes on placing groups under the new leader. */
  private static final Duration AFTER_KILL = ChaosMode.pick(Duration.ofSeconds(15),
      Duration.ofMinutes(5));
  private static final String HELD = "its commit held for";

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(List.of("-D" + PlacementVerticle.COMMIT_DELAY_PROPERTY + "=3000"), null);
    c.startWorkers("{\"PGW\":4}", "worker1", "worker2");
  });

  @Test
  void noBundleIsLeftReservedAfterTheLeaderDiesMidPlacement() throws Exception {
    ChaosCluster c = chaos.get();
    Path stop = c.local().logDir().resolve("stop");
    ChildJvm driver = c.startDriver(PlacementChurnDriver.class, stop.toString());
    driver.awaitLine("^STEP started$", DRIVER_TIMEOUT);
    Path headLog = c.node("head").log();
    long heldBefore = held(headLog);
    // the next hold: the head has just prepared a group's bundles and waits 3 s to commit them
    Await.until("the head holds a group's commit", Duration.ofMinutes(1),
        () -> held(headLog) > heldBefore);
    c.kill(c.node("head"));
    long killedAt = System.nanoTime();
    // let the driver place groups under the new leader for a while
    Await.until(Time.SYSTEM, AFTER_KILL, () -> !driver.process().isAlive());
    Files.createFile(stop);
    JvmResult r = driver.await(DRIVER_TIMEOUT);
    assertTrue(r.ok(), r.describe());
    c.log("groups created " + r.result("created") + " of " + r.result("groups") + "; the driver"
        + " ended " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill");
    // each group waits at most 60 s: one not created was held by a dead leader's prepared bundles
    assertEquals(r.result("groups"), r.result("created"), "every group is created: the bundles"
        + " the killed leader prepared are returned when their lease runs out\n" + r.describe());

    Status s = c.awaitStatus(st -> st.total("PGW") == 8.0 && st.used("PGW") == 0.0,
        Duration.ofSeconds(10));
    assertEquals(8.0, s.total("PGW"), "both workers report:\n" + s);
    assertEquals(0.0, s.used("PGW"), "no bundle is left reserved 10 s after the driver removed"
        + " its groups:\n" + s);
  }

  private static long held(Path log) {
    try {
      return Files.readAllLines(log).stream().filter(l -> l.contains(HELD)).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
