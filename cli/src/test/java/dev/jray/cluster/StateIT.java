package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.StateDriver;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tasks part of the state API across JVMs (issue #16): a head and a worker from the fat jar,
 * a driver that leaves finished, failed, actor and running tasks, and {@code jray list tasks},
 * {@code get tasks}, {@code summary tasks|actors|objects}, {@code timeline}, {@code list objects}
 * and {@code memory} run as a user runs them.
 * The rows merge what the driver (the owner) and the nodes that ran each task recorded.
 */
@Timeout(value = 600)
class StateIT {
  private static final Duration CLI = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("StateIT", c -> {
    // each node's output is its log file, which jray logs reads through the head
    c.startHead(null, "-Djray.log-file=" + c.logDir().resolve("head.log"));
    c.startWorker("worker1", null, "-Djray.log-file=" + c.logDir().resolve("worker1.log"));
  });

  private static JvmResult jray(String... args) {
    LocalCluster c = CLUSTER.get();
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--address");
    all.add(2, c.jobsAddress());
    JvmResult r = c.cli(CLI, List.of(), all.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.what() + ":\n" + r.output());
    return r;
  }

  private static JsonArray jsonRows(JvmResult r) {
    String out = r.output();
    return new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1));
  }

  private static List<JsonObject> rows(JsonArray a, String field, String value) {
    List<JsonObject> found = new ArrayList<>();
    a.forEach(o -> {
      if (value.equals(((JsonObject) o).getString(field))) {
        found.add((JsonObject) o);
      }
    });
    return found;
  }

  @Test
  void tasksInEveryStateAreListedSummarizedAndTraced() throws Exception {
    LocalCluster c = CLUSTER.get();
    Path release = c.tmpDir().resolve("state-driver.release");
    ChildJvm driver = c.startDriver(List.of(), StateDriver.class, release.toString());
    driver.awaitLine("RESULT ready=true", Duration.ofSeconds(180));
    String failedId = driver.awaitLine("RESULT failed-task=(\\w+)", Duration.ofSeconds(5))
        .group(1);
    Set<String> nodeIds = c.nodes().stream().map(LocalNode::nodeId).collect(Collectors.toSet());

    JsonArray[] all = new JsonArray[1];
    assertTrue(Await.until(Time.SYSTEM, Duration.ofSeconds(60), () -> {
      all[0] = jsonRows(jray("list", "tasks", "--detail", "--limit", "1000", "--format", "json"));
      return rows(all[0], "func_or_class_name", StateDriver.class.getName() + ".waitFor")
          .stream().anyMatch(r -> "RUNNING".equals(r.getString("state")));
    }), "the waiting task is listed RUNNING");
    JsonArray tasks = all[0];

    List<JsonObject> nodeIdTasks = rows(tasks, "func_or_class_name",
        "dev.jray.cluster.drivers.Fns.nodeId");
    assertEquals(5, nodeIdTasks.size(), tasks.encodePrettily());
    for (JsonObject t : nodeIdTasks) {
      assertEquals("FINISHED", t.getString("state"), t.encode());
      assertEquals("NORMAL_TASK", t.getString("type"));
      assertTrue(nodeIds.contains(t.getString("node_id")), t.encode());
      assertNotNull(t.getString("job_id"));
      assertNotNull(t.getLong("end_time_ms"));
      List<String> states = t.getJsonArray("events").stream()
          .map(e -> ((JsonObject) e).getString("state")).toList();
      assertEquals(List.of("PENDING_NODE_ASSIGNMENT", "RUNNING", "FINISHED"), states,
          "the owner's and the runner's events, merged: " + t.encode());
    }
    assertEquals(2, rows(new JsonArray(nodeIdTasks), "name", "named-node-id").size());
    assertEquals(3, rows(new JsonArray(nodeIdTasks), "name", "Fns.nodeId").size());

    JsonObject failed = rows(tasks, "task_id", failedId).get(0);
    assertEquals("FAILED", failed.getString("state"));
    assertEquals("TASK_EXECUTION_EXCEPTION", failed.getString("error_type"));
    assertTrue(failed.getString("error_message").contains("state-driver failure"));

    List<JsonObject> creations = rows(tasks, "type", "ACTOR_CREATION_TASK");
    assertEquals(1, creations.size());
    assertEquals("FINISHED", creations.get(0).getString("state"));
    assertEquals("dev.jray.cluster.drivers.Counter", creations.get(0)
        .getString("func_or_class_name"));
    List<JsonObject> calls = rows(tasks, "type", "ACTOR_TASK");
    assertEquals(3, calls.size());
    for (JsonObject call : calls) {
      assertEquals("FINISHED", call.getString("state"));
      assertEquals("Counter.increment", call.getString("name"));
      assertEquals(creations.get(0).getString("actor_id"), call.getString("actor_id"));
    }
    JsonObject running = rows(tasks, "func_or_class_name", StateDriver.class.getName()
        + ".waitFor").get(0);
    assertNotNull(running.getLong("start_time_ms"));
    assertNull(running.getValue("end_time_ms"));

    // a filter, as YAML
    String yaml = jray("list", "tasks", "--filter", "state=FAILED", "--format", "yaml").output();
    assertTrue(yaml.contains("task_id: " + failedId), yaml);
    assertTrue(!yaml.contains("Fns.nodeId"), yaml);

    // one task by id, every field
    String one = jray("get", "tasks", failedId).output();
    assertTrue(one.contains("error_type: TASK_EXECUTION_EXCEPTION"), one);
    assertTrue(one.contains("state-driver failure"), one);

    // the summaries
    String summary = jray("summary", "tasks").output();
    assertTrue(summary.contains("dev.jray.cluster.drivers.Fns.nodeId"), summary);
    assertTrue(summary.contains("FINISHED: 5"), summary);
    assertTrue(summary.contains("total_actor_tasks: 3"), summary);
    String actors = jray("summary", "actors").output();
    assertTrue(actors.contains("dev.jray.cluster.drivers.Counter") && actors.contains("ALIVE: 1"),
        actors);

    // the trace: one complete event per task that started, on the nodes that ran them
    Path trace = c.tmpDir().resolve("trace.json");
    jray("timeline", "--output", trace.toString());
    JsonArray events = new JsonArray(Files.readString(trace));
    List<JsonObject> complete = events.stream().map(e -> (JsonObject) e)
        .filter(e -> "X".equals(e.getString("ph"))).toList();
    assertEquals(12, complete.size(), events.encodePrettily());
    assertTrue(complete.stream().allMatch(e -> e.getLong("dur") >= 0 && e.getLong("ts") > 0));

    // the driver's object: its owner's ref and its primary copy in the driver's store
    String big = driver.awaitLine("RESULT big-object=(\\w+)", Duration.ofSeconds(5)).group(1);
    JsonArray objects = jsonRows(jray("list", "objects", "--detail", "--format", "json",
        "--filter", "object_id=" + big));
    List<JsonObject> pinned = rows(objects, "reference_type", "PINNED_IN_MEMORY");
    assertEquals(1, pinned.size(), objects.encodePrettily());
    long size = pinned.get(0).getLong("object_size"); // serialized: the bytes and a header
    assertTrue(size >= StateDriver.BIG_BYTES && size < StateDriver.BIG_BYTES + 64, "" + size);
    assertEquals("DRIVER", pinned.get(0).getString("type"));
    assertEquals("IN_MEMORY", pinned.get(0).getString("location"));
    assertEquals("127.0.0.1", pinned.get(0).getString("ip"));
    String memory = jray("memory", "--units", "MB").output();
    // Ray's decimal units, fractional: 3 MiB and a header is 3.14... MB
    assertTrue(memory.contains(big) && memory.matches("(?s).*\\b3\\.1\\d* MB.*")
        && memory.contains("PINNED_IN_MEMORY"), memory);
    assertTrue(memory.contains("Plasma memory usage 3 MiB"), memory);
    String objectSummary = jray("summary", "objects").output();
    assertTrue(objectSummary.contains("disabled") && objectSummary.contains("PINNED_IN_MEMORY"),
        objectSummary);

    // logs: a task's lines (its node's log lines that carry its id), and a node's log
    String logged = driver.awaitLine("RESULT logged-task=(\\w+)", Duration.ofSeconds(5)).group(1);
    String taskLog = jray("logs", "task", "--id", logged).output();
    assertTrue(taskLog.contains("state-driver says hello") && taskLog.contains("taskId=" + logged),
        taskLog);
    assertTrue(!taskLog.contains("jray head node") && !taskLog.contains("is up"), taskLog);
    String workerLog = jray("logs", "cluster", "--node-id", c.node("worker1").nodeId(), "--tail",
        "5").output();
    assertTrue(!workerLog.isBlank(), workerLog);

    Files.createFile(release);
    JvmResult end = driver.await(Duration.ofSeconds(60));
    assertEquals(0, end.exitCode(), end.output());
  }
}
