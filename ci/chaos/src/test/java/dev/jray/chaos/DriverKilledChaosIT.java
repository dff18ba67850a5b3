package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.DriverKilledDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.Status;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.PlacementGroupRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL a driver mid-job: within 10 s its non-detached actors are dead and their CPUs free, its
 * placement group is removed and its bundles returned, and the objects it owned (task results on
 * the workers and their copies) are gone from every store; its detached actor lives on and
 * answers a later driver.
 */
@Timeout(600)
class DriverKilledChaosIT {
  private static final int ACTORS_AND_RESULTS = 2;
  private static final Duration CLEANED_WITHIN = Duration.ofSeconds(10);
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(4);

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"W\":100}", "worker1", "worker2");
  });

  @Test
  void aKilledDriversActorsGroupsAndObjectsAreGoneWithinTenSeconds() throws Exception {
    ChaosCluster c = chaos.get();
    Status idle = c.status();
    ChildJvm victim = c.startDriver(DriverKilledDriver.class, "victim",
        Integer.toString(ACTORS_AND_RESULTS));
    victim.awaitLine("^STEP ready$", DRIVER_TIMEOUT);
    // nodes report their load each second: the reading task that just ended may still count
    Status busy = c.awaitStatus(s -> s.used("CPU") == idle.used("CPU") + 2 * ACTORS_AND_RESULTS,
        Duration.ofSeconds(15));
    assertEquals(idle.used("CPU") + 2 * ACTORS_AND_RESULTS, busy.used("CPU"),
        "the victim's actors and bundles hold CPUs:\n" + busy);
    assertTrue(busy.objects() >= idle.objects() + ACTORS_AND_RESULTS,
        "the victim's results are in the workers' stores:\n" + busy);

    try (Gcs gcs = c.gcs()) { // one client for the whole wait: connecting takes a second
      victim.process().destroyForcibly(); // SIGKILL
      assertTrue(victim.process().waitFor(30, TimeUnit.SECONDS));
      long killed = System.nanoTime();
      Status after = c.awaitStatus(s -> s.used("CPU") == idle.used("CPU")
          && s.objects() == idle.objects() && cleanInGcs(gcs), Duration.ofSeconds(60));
      double seconds = (System.nanoTime() - killed) / 1e9;
      c.log("the killed driver's actors, group and objects were gone " + seconds
          + " s after the kill (an upper bound: status takes a JVM's start)");
      assertEquals(idle.used("CPU"), after.used("CPU"), "CPUs still held:\n" + after);
      assertEquals(idle.objects(), after.objects(), "objects still stored:\n" + after);
      assertTrue(cleanInGcs(gcs), "the GCS still has the victim's actors or group: "
          + gcs.actors().snapshot().values() + " " + gcs.placementGroups().snapshot().values());
      assertTrue(seconds <= CLEANED_WITHIN.toSeconds(), "cleaned only after " + seconds + " s");
    }

    JvmResult survivor = c.runDriver(DRIVER_TIMEOUT, DriverKilledDriver.class, "survivor");
    assertTrue(survivor.ok(), survivor.describe());
    assertEquals("2", survivor.result("detached-count"), "the detached actor kept its state: "
        + survivor.describe());
  }

  /** The detached actor is the only one alive, and no group is left that is not removed. */
  private static boolean cleanInGcs(Gcs gcs) {
    List<ActorRecord> alive = gcs.actors().snapshot().values().stream()
        .filter(a -> a.state() != ActorState.DEAD).toList();
    boolean groupsGone = gcs.placementGroups().snapshot().values().stream()
        .allMatch(PlacementGroupRecord::isRemoved);
    return groupsGone && alive.size() == 1
        && DriverKilledDriver.DETACHED.equals(alive.get(0).name());
  }
}
