package dev.jray.scheduler;

import dev.jray.api.id.UniqueId;
import dev.jray.task.TaskSpec;

/**
 * Where a node's scheduler sends the tasks it decides on: the node's worker pool, bound with
 * {@link SchedulerVerticle#bind} once it is deployed. Both calls come on the thread that made the
 * decision (a submitting, releasing or event-loop thread) and must not block.
 */
public interface TaskSink {
  /** Runs a task whose resources this node has reserved. */
  void dispatch(TaskSpec spec);

  /** Sends a task to the scheduler of another node, which has room for it. */
  void forward(UniqueId node, TaskSpec spec);
}
