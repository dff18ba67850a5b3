package dev.jray.runtime;

import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's task events as rows of Ray's state API ({@code ray list tasks}): one per task, with
 * Ray's field names, holding what this node saw of it. The head merges the rows of every node
 * (the owner saw the submission, the node that ran it the rest) by {@code task_id}; each row
 * keeps its {@code events} ({@code state}, {@code created_ms}) so that merging loses nothing.
 *
 * <p>Threading: stateless.
 */
public final class TaskEventRows {
  private TaskEventRows() {}

  /**
   * The rows of the tasks in {@code events} (oldest first), at most {@code max}: those whose
   * latest event is newest.
   *
   * @param pid this node's process id, as the {@code worker_pid} of what ran here
   */
  public static List<JsonObject> of(List<TaskEvent> events, UniqueId node, long pid, int max) {
    return of(events, node, node, pid, max);
  }

  /**
   * The rows of the tasks in {@code events}, as {@link #of(List, UniqueId, long, int)}, made in
   * the JVM {@code worker} (a worker process of {@code node}, or the node itself): what ran here
   * has {@code worker_id} {@code worker} and {@code node_id} {@code node}.
   */
  public static List<JsonObject> of(List<TaskEvent> events, UniqueId node, UniqueId worker,
      long pid, int max) {
    Map<TaskId, JsonObject> rows = new LinkedHashMap<>();
    for (TaskEvent e : events) {
      JsonObject row = rows.remove(e.taskId()); // re-inserted: the map stays in latest-event order
      if (row == null) {
        row = new JsonObject().put("task_id", e.taskId().toHex()).put("events", new JsonArray())
            .put("language", "JAVA");
      }
      add(row, e, node, worker, pid);
      rows.put(e.taskId(), row);
    }
    List<JsonObject> all = new ArrayList<>(rows.values());
    return all.size() <= max ? all : all.subList(all.size() - max, all.size());
  }

  private static void add(JsonObject row, TaskEvent e, UniqueId node, UniqueId worker,
      long pid) {
    row.getJsonArray("events").add(new JsonObject().put("state", e.state().name())
        .put("created_ms", e.timeMs()).put("attempt_number", e.attempt()));
    putIfAbsent(row, "job_id", e.jobId() == null ? null : e.jobId().toHex());
    putIfAbsent(row, "actor_id", e.actorId() == null ? null : e.actorId().toHex());
    if (e.kind() != null) {
      putIfAbsent(row, "type", type(e.kind()));
    }
    FunctionDescriptor f = e.function();
    if (f != null) {
      putIfAbsent(row, "func_or_class_name", f.isConstructor() ? f.className()
          : f.className() + "." + f.methodName());
      putIfAbsent(row, "name", e.name() != null ? e.name() : shortName(f));
    }
    if (e.state() == TaskEvent.State.RUNNING || e.state() == TaskEvent.State.FINISHED) {
      row.put("node_id", node.toHex()).put("worker_id", worker.toHex()).put("worker_pid", pid);
    }
    if (e.state() == TaskEvent.State.FAILED) {
      row.put("error_type", e.errorType()).put("error_message", e.errorMessage());
    }
  }

  /** Ray's name of a task by default: the function's class (without package) and method. */
  private static String shortName(FunctionDescriptor f) {
    String cls = f.className().substring(f.className().lastIndexOf('.') + 1);
    return f.isConstructor() ? cls + ".__init__" : cls + "." + f.methodName();
  }

  /** Ray's {@code type} of a task. */
  static String type(TaskKind kind) {
    return switch (kind) {
      case NORMAL -> "NORMAL_TASK";
      case ACTOR_CREATION -> "ACTOR_CREATION_TASK";
      case ACTOR_TASK -> "ACTOR_TASK";
    };
  }

  private static void putIfAbsent(JsonObject row, String key, Object value) {
    if (value != null && row.getValue(key) == null) {
      row.put(key, value);
    }
  }
}
