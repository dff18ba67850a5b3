package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.HandStartedDriver;
import dev.jray.cluster.drivers.MovingDriver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A driver started by hand ({@code java -Djray.address=HEAD ...}) on a machine that runs a node of
 * its cluster attaches to that node, as a Ray driver to its machine's raylet, rather than joining
 * Hazelcast: {@code jray list workers} shows it on the head's node id. With {@code
 * -Djray.driver.attach=false} it joins as a member (no node id). When the node it hangs off is
 * SIGKILLed, it moves to another member: the work it started finishes, its actor keeps every
 * call, its put is intact, and, past the leader's grace for a driver without a node, its job is
 * still alive (its non-detached actor answers).
 */
@Timeout(420)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriverAttachIT {
  private static final Duration STEP = Duration.ofSeconds(120);
  /** Past the leader's grace (10 s) and a reconciliation pass (3 s). */
  private static final long PAST_GRACE_MS = 16_000;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("DriverAttachIT", c -> {
    c.startHead(null);
    c.startWorker("worker1", "{\"ACTORHOST\":1}");
    c.startWorker("worker2", null);
  });

  @Test
  @Order(1)
  void aDriverStartedByHandAttachesToTheLocalNodeItNamesOrJoinsWhenToldTo() throws Exception {
    LocalCluster c = CLUSTER.get();
    Path release = c.tmpDir().resolve("release-attach");
    ChildJvm attached = c.startDriver(List.of(), HandStartedDriver.class, release.toString());
    ChildJvm member = c.startDriver(List.of("-Djray.driver.attach=false"),
        HandStartedDriver.class, release.toString());
    String attachedId = attached.awaitLine("^RESULT driver-node=(\\S+)$", STEP).group(1);
    String memberId = member.awaitLine("^RESULT driver-node=(\\S+)$", STEP).group(1);
    attached.awaitLine("^RESULT up=true$", STEP);
    member.awaitLine("^RESULT up=true$", STEP);

    JsonArray workers = listWorkers(c);
    assertEquals(c.head().nodeId(), worker(workers, attachedId).getString("node_id"),
        "attached to the head, whose address it was given: " + workers.encodePrettily());
    assertNull(worker(workers, memberId).getString("node_id"),
        "a member driver hangs off no node: " + workers.encodePrettily());

    Files.writeString(release, "done");
    assertTrue(attached.await(STEP).ok());
    assertTrue(member.await(STEP).ok());
  }

  @Test
  @Order(2)
  void aDriverWhoseNodeDiesMovesToAnotherMemberAndLosesNothing() throws Exception {
    LocalCluster c = CLUSTER.get();
    Path go = c.tmpDir().resolve("go-moving");
    ChildJvm driver = c.startDriver(List.of(), MovingDriver.class, go.toString(),
        Long.toString(PAST_GRACE_MS));
    driver.awaitLine("^STEP attached$", STEP);
    LocalNode head = c.head();
    c.kill(head);
    Files.createFile(go);

    JvmResult r = driver.await(Duration.ofMinutes(4));
    assertTrue(r.ok(), r.describe());
    Matcher moved = java.util.regex.Pattern.compile(
        "node " + head.nodeId() + ", which this process hung off, is gone: it hangs off node (\\S+)"
            + " now").matcher(r.output());
    assertTrue(moved.find(), "the driver moved off the dead head: " + r.describe());
    assertNotEquals(head.nodeId(), moved.group(1));
    assertEquals("20", r.result("tasks-before"), r.describe());
    assertEquals("20", r.result("tasks-after"), r.describe());
    assertEquals("2", r.result("count-after-move"), "each call counted once: " + r.describe());
    assertEquals("true", r.result("put-intact"), r.describe());
    assertEquals("3", r.result("count-after-grace"),
        "past the grace its job lives: its actor was not killed: " + r.describe());
    assertNotEquals(head.nodeId(), r.result("task-after-grace"), r.describe());
  }

  private static JsonArray listWorkers(LocalCluster c) {
    JvmResult r = c.cli(STEP, List.of(), "list", "workers", "--address", c.jobsAddress(),
        "--format", "json");
    assertTrue(r.ok(), r.describe());
    String out = r.output();
    return new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1));
  }

  private static JsonObject worker(JsonArray workers, String nodeId) {
    return workers.stream().map(o -> (JsonObject) o)
        .filter(w -> w.getString("worker_id").equals(nodeId)).findFirst()
        .orElseThrow(() -> new AssertionError("no worker " + nodeId + " in "
            + workers.encodePrettily()));
  }
}
