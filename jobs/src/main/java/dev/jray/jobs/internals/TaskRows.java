package dev.jray.jobs.internals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's tasks as Ray's state API lists them: the rows each node made of its own task
 * events (the owner's submission, the running node's start and outcome), merged by {@code
 * task_id}.
 *
 * <p>Threading: stateless.
 */
final class TaskRows {
  private TaskRows() {}

  /** Ray's states by how far a task got, for picking an attempt's state. */
  private static final List<String> ORDER = List.of("PENDING_NODE_ASSIGNMENT",
      "SUBMITTED_TO_WORKER", "RUNNING", "FINISHED", "FAILED");

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
        .put("parent_task_id", (Object) null) // the events do not record the submitter
        .put("worker_id", ranOn == null ? null : ranOn.getString("worker_id"))
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
