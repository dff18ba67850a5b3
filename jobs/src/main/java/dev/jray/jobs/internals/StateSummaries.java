package dev.jray.jobs.internals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code ray summary tasks|actors} and {@code ray timeline} make of the state API's rows:
 * counts by function or class and state, in Ray's shape ({@code node_id_to_summary.cluster}), and
 * a Chrome trace ({@code chrome://tracing}, Perfetto) of the tasks that ran.
 *
 * <p>Threading: stateless.
 */
final class StateSummaries {
  private StateSummaries() {}

  /** Tasks by {@code func_or_class_name}: their type and how many are in each state. */
  static JsonObject tasks(List<JsonObject> rows) {
    Map<String, JsonObject> byName = new TreeMap<>();
    int normalTasks = 0;
    int actorTasks = 0;
    int actorCreations = 0;
    for (JsonObject r : rows) {
      String name = String.valueOf(r.getString("func_or_class_name"));
      JsonObject entry = byName.computeIfAbsent(name, k -> new JsonObject()
          .put("func_or_class_name", k).put("type", r.getString("type"))
          .put("state_counts", new JsonObject()));
      count(entry.getJsonObject("state_counts"), r.getString("state"));
      normalTasks += "NORMAL_TASK".equals(r.getString("type")) ? 1 : 0;
      actorTasks += "ACTOR_TASK".equals(r.getString("type")) ? 1 : 0;
      actorCreations += "ACTOR_CREATION_TASK".equals(r.getString("type")) ? 1 : 0;
    }
    return cluster(new JsonObject().put("total_tasks", normalTasks)
        .put("total_actor_tasks", actorTasks).put("total_actor_scheduled", actorCreations)
        .put("summary_by", "func_name"), byName);
  }

  /** Actors by {@code class_name} and state. */
  static JsonObject actors(List<JsonObject> rows) {
    Map<String, JsonObject> byClass = new TreeMap<>();
    for (JsonObject r : rows) {
      String name = String.valueOf(r.getString("class_name"));
      JsonObject entry = byClass.computeIfAbsent(name, k -> new JsonObject()
          .put("class_name", k).put("state_counts", new JsonObject()));
      count(entry.getJsonObject("state_counts"), r.getString("state"));
    }
    return cluster(new JsonObject().put("total_actors", rows.size()).put("summary_by", "class"),
        byClass);
  }

  /**
   * Object references by call site, as Ray summarizes them when call sites are not recorded (all
   * under {@code disabled}): counts, total size, holders, and counts by task status and reference
   * type.
   */
  static JsonObject objects(List<JsonObject> rows) {
    Map<String, List<JsonObject>> bySite = new TreeMap<>();
    rows.forEach(r -> bySite.computeIfAbsent(String.valueOf(r.getString("call_site")),
        k -> new ArrayList<>()).add(r));
    Map<String, JsonObject> summary = new TreeMap<>();
    double totalMb = 0;
    for (Map.Entry<String, List<JsonObject>> e : bySite.entrySet()) {
      JsonObject states = new JsonObject();
      JsonObject types = new JsonObject();
      double mb = 0;
      for (JsonObject r : e.getValue()) {
        count(states, r.getString("task_status"));
        count(types, r.getString("reference_type"));
        Long size = r.getLong("object_size");
        // -1 (or none): not known yet, left out of the sums as Ray does
        mb += size == null || size < 0 ? 0 : size / (1024.0 * 1024.0);
      }
      totalMb += mb;
      summary.put(e.getKey(), new JsonObject().put("total_objects", e.getValue().size())
          .put("total_size_mb", mb)
          .put("total_num_workers", e.getValue().stream().map(r -> r.getValue("pid"))
              .distinct().count())
          .put("total_num_nodes", e.getValue().stream().map(r -> r.getString("node_id"))
              .distinct().count())
          .put("task_state_counts", states).put("ref_type_counts", types));
    }
    return cluster(new JsonObject().put("total_objects", rows.size())
        .put("total_size_mb", totalMb).put("callsite_enabled", false)
        .put("summary_by", "callsite"), summary);
  }

  private static JsonObject cluster(JsonObject totals, Map<String, JsonObject> summary) {
    JsonObject body = totals.copy().put("summary", new JsonObject(new HashMap<>(summary)));
    return new JsonObject().put("node_id_to_summary", new JsonObject().put("cluster", body));
  }

  private static void count(JsonObject counts, String state) {
    counts.put(state, counts.getInteger(state, 0) + 1);
  }

  /**
   * The tasks that started, as a Chrome trace: one process per node, one lane ({@code tid}) per
   * task that ran at the same time there, a complete event ({@code "ph": "X"}, microseconds) per
   * task, still running ones up to {@code nowMs}.
   */
  static JsonArray timeline(List<JsonObject> rows, long nowMs) {
    List<JsonObject> ran = new ArrayList<>();
    for (JsonObject r : rows) {
      if (r.getLong("start_time_ms") != null && r.getString("node_id") != null) {
        ran.add(r);
      }
    }
    ran.sort(Comparator.comparingLong(r -> r.getLong("start_time_ms")));
    JsonArray trace = new JsonArray();
    Map<String, Integer> pids = new HashMap<>();
    Map<String, List<Long>> laneEnds = new HashMap<>();
    for (JsonObject r : ran) {
      String node = r.getString("node_id");
      int pid = pids.computeIfAbsent(node, n -> {
        int p = pids.size() + 1;
        trace.add(new JsonObject().put("name", "process_name").put("ph", "M").put("pid", p)
            .put("args", new JsonObject().put("name", "node " + n)));
        return p;
      });
      long start = r.getLong("start_time_ms");
      long end = r.getLong("end_time_ms") != null ? r.getLong("end_time_ms") : nowMs;
      List<Long> lanes = laneEnds.computeIfAbsent(node, n -> new ArrayList<>());
      int lane = 0;
      while (lane < lanes.size() && lanes.get(lane) > start) {
        lane++;
      }
      if (lane == lanes.size()) {
        lanes.add(end);
      } else {
        lanes.set(lane, end);
      }
      trace.add(new JsonObject().put("cat", "task::" + r.getString("name"))
          .put("name", r.getString("name")).put("ph", "X").put("pid", pid).put("tid", lane)
          .put("ts", start * 1000).put("dur", Math.max(0, end - start) * 1000)
          .put("args", new JsonObject().put("task_id", r.getString("task_id"))
              .put("job_id", r.getString("job_id")).put("actor_id", r.getString("actor_id"))
              .put("attempt_number", r.getInteger("attempt_number"))
              .put("state", r.getString("state"))
              .put("func_or_class_name", r.getString("func_or_class_name"))));
    }
    return trace;
  }
}
