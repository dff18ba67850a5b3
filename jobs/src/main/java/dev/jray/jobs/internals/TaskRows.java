package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.time.Time;
import dev.jray.node.WorkerPoolVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster's tasks as Ray's state API lists them, gathered on demand: every live node answers
 * with the rows of its own task events (the owner's submission, the running node's start and
 * outcome), which are merged here by {@code task_id}. A node that does not answer in time is
 * named in the answer's {@code partial_failure_warning}, as Ray does.
 *
 * <p>Threading: {@link #gather} blocks (never call it on an event loop); the rest is stateless.
 */
public final class TaskRows {
  /** The fields a filter may name and a brief row shows: Ray's task columns. */
  static final Set<String> COLUMNS = Set.of("task_id", "attempt_number", "name", "state",
      "job_id", "actor_id", "type", "func_or_class_name", "parent_task_id", "node_id",
      "worker_id", "worker_pid", "error_type");
  /** How long a node has to answer. */
  static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);
  /** Ray's states by how far a task got, for picking an attempt's state. */
  private static final List<String> ORDER = List.of("PENDING_NODE_ASSIGNMENT",
      "SUBMITTED_TO_WORKER", "RUNNING", "FINISHED", "FAILED");

  /** The rows and, if some node did not answer, a warning naming it. */
  record Gathered(List<JsonObject> rows, String warning) {}

  private final Vertx vertx;
  private final Gcs gcs;
  /** The clock of a running task's end in the timeline. */
  private final Time time;

  public TaskRows(Vertx vertx, Gcs gcs, Time time) {
    this.vertx = vertx;
    this.gcs = gcs;
    this.time = time;
  }

  /** Wall-clock milliseconds now. */
  long nowMs() {
    return time.milliseconds();
  }

  /** Asks every live node for its task rows and merges them, newest task first. Blocks. */
  Gathered gather() {
    List<NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .filter(NodeRecord::alive).toList();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(NODE_TIMEOUT.toMillis());
    JsonObject ask = new JsonObject().put(WorkerPoolVerticle.TASK_EVENTS,
        WorkerPoolVerticle.MAX_TASK_ROWS);
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (NodeRecord n : nodes) {
      replies.add(vertx.eventBus().request(WorkerPoolVerticle.statsAddress(n.nodeId()), ask,
          options));
    }
    List<JsonObject> partial = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        Message<Object> m = replies.get(i).toCompletionStage().toCompletableFuture()
            .get(NODE_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        JsonArray rows = ((JsonObject) m.body()).getJsonArray("rows");
        rows.forEach(r -> partial.add((JsonObject) r));
      } catch (ExecutionException | TimeoutException | ClassCastException e) {
        silent.add(nodes.get(i).nodeId().toHex());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while gathering task events", e);
      }
    }
    String warning = silent.isEmpty() ? "" : silent.size() + " of " + nodes.size()
        + " nodes did not answer within " + NODE_TIMEOUT.toSeconds() + " s; their tasks are"
        + " missing: " + silent;
    return new Gathered(merge(partial), warning);
  }

  /** One row per task from the nodes' rows of it, newest task first. */
  static List<JsonObject> merge(List<JsonObject> partial) {
    Map<String, List<JsonObject>> byTask = new LinkedHashMap<>();
    for (JsonObject r : partial) {
      byTask.computeIfAbsent(r.getString("task_id"), k -> new ArrayList<>()).add(r);
    }
    List<JsonObject> rows = new ArrayList<>();
    byTask.forEach((id, parts) -> rows.add(mergeOne(id, parts)));
    rows.sort(Comparator.comparingLong((JsonObject r) -> r.getLong("creation_time_ms", 0L))
        .reversed());
    return rows;
  }

  private static JsonObject mergeOne(String taskId, List<JsonObject> parts) {
    List<JsonObject> events = new ArrayList<>();
    JsonObject row = new JsonObject().put("task_id", taskId);
    JsonObject ranOn = null;
    long ranAt = Long.MIN_VALUE;
    for (JsonObject p : parts) {
      for (Object o : p.getJsonArray("events", new JsonArray())) {
        JsonObject e = (JsonObject) o;
        events.add(e);
        if ("RUNNING".equals(e.getString("state")) && e.getLong("created_ms", 0L) >= ranAt) {
          ranAt = e.getLong("created_ms", 0L);
          ranOn = p;
        }
      }
      for (String key : List.of("job_id", "actor_id", "type", "func_or_class_name", "name",
          "language")) {
        if (row.getValue(key) == null && p.getValue(key) != null) {
          row.put(key, p.getValue(key));
        }
      }
    }
    events.sort(Comparator.comparingLong((JsonObject e) -> e.getLong("created_ms", 0L))
        .thenComparingInt(e -> ORDER.indexOf(e.getString("state"))));
    int attempt = events.stream().mapToInt(e -> e.getInteger("attempt_number", 0)).max()
        .orElse(0);
    JsonObject last = null;
    for (JsonObject e : events) {
      if (e.getInteger("attempt_number", 0) == attempt && (last == null
          || ORDER.indexOf(e.getString("state")) >= ORDER.indexOf(last.getString("state")))) {
        last = e;
      }
    }
    String state = last == null ? "PENDING_NODE_ASSIGNMENT" : last.getString("state");
    row.put("attempt_number", attempt).put("state", state)
        .put("parent_task_id", (Object) null).put("worker_id", (Object) null)
        .put("node_id", ranOn == null ? null : ranOn.getString("node_id"))
        .put("worker_pid", ranOn == null ? null : ranOn.getValue("worker_pid"))
        .put("creation_time_ms", events.isEmpty() ? null : events.get(0).getLong("created_ms"))
        .put("start_time_ms", ranOn == null ? null : ranAt)
        .put("end_time_ms", last != null && ("FINISHED".equals(state) || "FAILED".equals(state))
            ? last.getLong("created_ms") : null)
        .put("error_type", (Object) null).put("error_message", (Object) null);
    if ("FAILED".equals(state)) {
      for (JsonObject p : parts) {
        if (p.getString("error_type") != null) {
          row.put("error_type", p.getString("error_type"))
              .put("error_message", p.getString("error_message"));
        }
      }
    }
    JsonArray shown = new JsonArray();
    events.forEach(e -> shown.add(new JsonObject().put("state", e.getString("state"))
        .put("created_ms", e.getLong("created_ms"))));
    return row.put("events", shown);
  }
}
