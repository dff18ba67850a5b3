package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.LateDriver;
import dev.jray.cluster.drivers.SurvivorDriver;
import dev.jray.cluster.drivers.TasksDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Membership changes, on a cluster of their own (same layout as {@link ClusterIT}): a node with a
 * missing resource joining while a task waits for it, then a worker SIGKILLed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180)
class ClusterChangesIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("ClusterChangesIT", ClusterIT::startThreeNodes);

  @Test
  @Order(1)
  void taskWaitingForAResourceShowsAsDemandAndRunsWhenANodeWithItJoins() {
    LocalCluster c = CLUSTER.get();
    ChildJvm driver = c.startDriver(List.of(), LateDriver.class, "LATE", "3000");
    driver.awaitLine("^PENDING$", Duration.ofSeconds(90));

    Status s = c.awaitStatus(st -> st.demands("LATE"), Duration.ofSeconds(20));
    assertTrue(s.demands("LATE"), "status shows no demand for LATE while a task waits for it:\n" + s);
    assertTrue(s.demands().stream().anyMatch(d -> d.contains("CPU=1.0") && d.contains("LATE=1.0")
        && d.contains("pending tasks/actors")), "demand line:\n" + s);

    LocalNode late = c.startWorker("worker3-late", "{\"LATE\":1}");
    JvmResult r = driver.await(Duration.ofSeconds(120));
    assertTrue(r.ok(), r.describe());
    assertEquals("0", r.result("ready-after-wait"), r.describe());
    assertEquals(late.nodeId(), r.result("late-node"), r.describe());

    Status after = c.awaitStatus(st -> st.isActive(late.nodeId()) && st.noDemands(), Duration.ofSeconds(20));
    assertTrue(after.isActive(late.nodeId()), after.toString());
    assertTrue(after.noDemands(), "the LATE demand is still shown after the task ran:\n" + after);
    assertEquals(8.0, after.total("CPU"), after.toString());
  }

  @Test
  @Order(2)
  void killedWorkerLeavesStatusWithinTenSecondsAndTasksStillRun() throws Exception {
    LocalCluster c = CLUSTER.get();
    LocalNode victim = c.node("worker2");
    Status before = c.status();
    assertTrue(before.isActive(victim.nodeId()), before.toString());
    // an actor that may restart and a long task, both on the worker about to die
    Path killedFlag = c.tmpDir().resolve("worker2-killed");
    ChildJvm survivor = c.startDriver(List.of(), SurvivorDriver.class, killedFlag.toString());
    survivor.awaitLine("^READY$", Duration.ofSeconds(90));

    long killedAt = System.nanoTime();
    c.kill(victim);
    Status s = c.awaitStatus(st -> !st.isActive(victim.nodeId()), Duration.ofSeconds(10));
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    c.log("killed worker gone from status after " + tookMs + " ms");
    assertFalse(s.isActive(victim.nodeId()), "status still lists the killed worker as active "
        + tookMs + " ms after SIGKILL:\n" + s);
    assertTrue(tookMs <= 12_000, "it took " + tookMs + " ms (status runs included)");
    for (LocalNode n : c.nodes()) {
      if (n != victim) {
        assertTrue(s.isActive(n.nodeId()), n + " is missing from status:\n" + s);
      }
    }

    JvmResult r = c.runDriver(Duration.ofSeconds(120), List.of(), TasksDriver.class, "20", "20");
    assertTrue(r.ok(), r.describe());
    assertEquals("20", r.result("tasks"), r.describe());
    Map<String, Integer> perNode = ClusterIT.perNode(r.result("nodes"));
    assertFalse(perNode.containsKey(victim.nodeId()), "tasks ran on the killed node? " + perNode);

    Status later = c.status();
    assertTrue(later.text().contains(victim.nodeId()) && later.failures().stream()
        .anyMatch(f -> f.contains(victim.nodeId())), "the killed node is not under Recent failures:\n" + later);

    // a node with W2 joins: the actor restarts there (fresh state), the task is retried there
    LocalNode replacement = c.startWorker("worker4-w2", "{\"W2\":1}");
    Files.createFile(killedFlag);
    JvmResult r2 = survivor.await(Duration.ofSeconds(150));
    assertTrue(r2.ok(), r2.describe());
    assertEquals("2/" + victim.nodeId() + "/false", r2.result("before"), r2.describe());
    assertEquals("1/" + replacement.nodeId() + "/true", r2.result("after"), r2.describe());
    assertEquals(replacement.nodeId(), r2.result("slow-node"), r2.describe());
  }
}
