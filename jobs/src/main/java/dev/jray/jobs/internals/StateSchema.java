package dev.jray.jobs.internals;

import java.util.List;
import java.util.Set;

/**
 * One kind of Ray's state API as Ray's schema ({@code ray.util.state.common}) describes it: the
 * column its rows are sorted by before the limit, the columns a brief (non-detail) row shows in
 * Ray's order, null where a row lacks one, and the columns a filter may name (Ray's {@code
 * filterable_columns}, which are not the brief ones: some brief columns cannot be filtered on and
 * some detail ones can).
 */
record StateSchema(String kind, String idColumn, List<String> brief, Set<String> filterable) {
  static final StateSchema NODES = new StateSchema("nodes", "node_id",
      List.of("node_id", "node_ip", "is_head_node", "state", "state_message", "node_name",
          "resources_total", "labels"),
      Set.of("node_id", "node_ip", "is_head_node", "state", "node_name"));
  static final StateSchema WORKERS = new StateSchema("workers", "worker_id",
      List.of("worker_id", "is_alive", "worker_type", "exit_type", "node_id", "ip", "pid"),
      Set.of("worker_id", "is_alive", "worker_type", "exit_type", "node_id", "ip", "pid"));
  static final StateSchema ACTORS = new StateSchema("actors", "actor_id",
      List.of("actor_id", "class_name", "state", "job_id", "name", "node_id", "pid",
          "ray_namespace"),
      Set.of("actor_id", "class_name", "state", "job_id", "name", "node_id", "pid",
          "ray_namespace", "placement_group_id", "repr_name"));
  static final StateSchema PLACEMENT_GROUPS = new StateSchema("placement_groups",
      "placement_group_id", List.of("placement_group_id", "name", "creator_job_id", "state"),
      Set.of("placement_group_id", "name", "creator_job_id", "state", "is_detached"));
  static final StateSchema JOBS = new StateSchema("jobs", "job_id",
      List.of("job_id", "submission_id", "entrypoint", "type", "status", "message",
          "error_type", "driver_info"),
      Set.of("job_id", "type", "status", "submission_id"));
  static final StateSchema TASKS = new StateSchema("tasks", "task_id",
      List.of("task_id", "attempt_number", "name", "state", "job_id", "actor_id", "type",
          "func_or_class_name", "parent_task_id", "node_id", "worker_id", "worker_pid",
          "error_type"),
      Set.of("task_id", "attempt_number", "name", "state", "job_id", "actor_id", "type",
          "func_or_class_name", "parent_task_id", "node_id", "worker_id", "worker_pid",
          "error_type", "language", "placement_group_id", "is_debugger_paused"));
  static final StateSchema OBJECTS = new StateSchema("objects", "object_id",
      List.of("object_id", "object_size", "task_status", "attempt_number", "reference_type",
          "call_site", "type", "pid", "ip"),
      Set.of("object_id", "object_size", "task_status", "attempt_number", "reference_type",
          "call_site", "type", "pid", "ip"));
}
