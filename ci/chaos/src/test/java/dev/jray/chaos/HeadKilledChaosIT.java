package dev.jray.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.chaos.drivers.HeadKilledDriver;
import dev.jray.cluster.ChildJvm;
import dev.jray.cluster.JvmResult;
import dev.jray.cluster.LocalNode;
import dev.jray.cluster.Status;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The head is not special once the cluster runs: SIGKILL it while a driver runs 1,000 tasks and
 * calls a detached actor on a worker. Every result is right and the calls keep their order;
 * {@code status} answers through a surviving member; a new worker joins through the survivors;
 * the head restarted on its port rejoins the cluster that still runs (its {@code status} lists
 * the workers), not a new one, through the members it remembers.
 */
@Timeout(600)
class HeadKilledChaosIT {
  private static final int TASKS = ChaosMode.pick(1_000, 10_000);
  private static final Duration DRIVER_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration STATUS_WAIT = Duration.ofSeconds(90);

  @RegisterExtension
  final ChaosExtension chaos = new ChaosExtension(c -> {
    c.startHead(null);
    c.startWorkers("{\"ACTORHOST\":1}", "worker1");
    c.startWorkers(null, "worker2");
  });

  @Test
  void theClusterOutlivesItsHead() throws Exception {
    ChaosCluster c = chaos.get();
    Path go = c.local().logDir().resolve("go");
    ChildJvm driver = c.startDriver(HeadKilledDriver.class, Integer.toString(TASKS),
        go.toString());
    driver.awaitLine("^STEP started$", DRIVER_TIMEOUT);
    LocalNode head = c.node("head");
    c.kill(head);
    Files.createFile(go);

    JvmResult r = driver.await(DRIVER_TIMEOUT);
    assertTrue(r.ok(), r.describe());
    assertEquals(Integer.toString(TASKS), r.result("right"), "every result right: " + r.describe());
    assertEquals("true/" + TASKS / 10, r.result("calls-in-order"), r.describe());
    assertFalse(r.result("second-half-nodes").contains(head.nodeId()),
        "no task ran on the dead head after its death: " + r.result("second-half-nodes"));

    LocalNode w1 = c.node("worker1");
    LocalNode w2 = c.node("worker2");
    Status s = c.awaitStatus(st -> st.activeIds().containsAll(Set.of(w1.nodeId(), w2.nodeId()))
        && !st.isActive(head.nodeId()), STATUS_WAIT);
    assertEquals(Set.of(w1.nodeId(), w2.nodeId()), Set.copyOf(s.activeIds()),
        "status through the survivors lists them, not the dead head:\n" + s);
    assertTrue(s.failures().stream().anyMatch(f -> f.contains(head.nodeId())),
        "the dead head is a failure:\n" + s);

    LocalNode w3 = c.startWorkers(null, "worker3").get(0);
    s = c.awaitStatus(st -> st.isActive(w3.nodeId()), STATUS_WAIT);
    assertTrue(s.isActive(w3.nodeId()), "a worker joined through the survivors:\n" + s);

    LocalNode restarted = c.restartHead(null);
    Set<String> all = Set.of(w1.nodeId(), w2.nodeId(), w3.nodeId(), restarted.nodeId());
    Status[] throughHead = new Status[1];
    boolean rejoined = Await.until(Time.SYSTEM, STATUS_WAIT,
        () -> (throughHead[0] = c.local().status(c.address("head"))).activeIds().containsAll(all));
    assertTrue(rejoined, "the restarted head is in the running cluster, status through it"
        + " lists every node " + all + ":\n" + throughHead[0]);
  }
}
