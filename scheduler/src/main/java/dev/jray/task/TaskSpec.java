package dev.jray.task;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.gcs.DemandKey;
import dev.jray.resources.ResourceSet;
import java.io.Serializable;
import java.util.List;

/**
 * An immutable task ready to run: all ObjectRef arguments already resolved. Results go to
 * {@code ownerAddress} (the event-bus address of the worker that owns {@code returnId}).
 *
 * @param actor for ACTOR_CREATION, the actor being created; null otherwise
 * @param actorId for ACTOR_TASK, the target actor; null otherwise
 * @param attempt 0 on first submission, +1 per retry
 * @param hops how many times schedulers forwarded it (a forwarded task is not spilled again
 *     unless the node cannot run it at all)
 * @param concurrencyGroup for ACTOR_TASK, the concurrency group the caller picked; null: its
 *     method's
 * @param runtimeEnv the runtime env it was given, serialized (an actor's calls have their
 *     creation's); null if none
 */
public record TaskSpec(TaskId taskId, JobId jobId, TaskKind kind, String name,
    FunctionDescriptor function, List<TaskArg> args, ResourceSet resources, String ownerAddress,
    ObjectId returnId, int maxRetries, int attempt, ActorSpec actor, ActorId actorId, int hops,
    String concurrencyGroup, String runtimeEnv) implements Serializable {

  public TaskSpec {
    args = List.copyOf(args);
  }

  /** The same task, forwarded once more. */
  public TaskSpec forwarded() {
    return new TaskSpec(taskId, jobId, kind, name, function, args, resources, ownerAddress,
        returnId, maxRetries, attempt, actor, actorId, hops + 1, concurrencyGroup, runtimeEnv);
  }

  /** The same task, submitted again after its node died (a fresh start: no hops). */
  public TaskSpec retried() {
    return new TaskSpec(taskId, jobId, kind, name, function, args, resources, ownerAddress,
        returnId, maxRetries, attempt + 1, actor, actorId, 0, concurrencyGroup, runtimeEnv);
  }

  /**
   * The same task run again to rebuild its result, lost with the node that held it (lineage
   * reconstruction): with its arguments as they are now (some may have been rebuilt too), one
   * attempt more, no hops.
   */
  public TaskSpec rerun(List<TaskArg> currentArgs) {
    return new TaskSpec(taskId, jobId, kind, name, function, currentArgs, resources, ownerAddress,
        returnId, maxRetries, attempt + 1, actor, actorId, 0, concurrencyGroup, runtimeEnv);
  }

  /** The shape shown under "Demands" in status: resources, and the name for actors. */
  public String demandShape() {
    return DemandKey.of(kind == TaskKind.ACTOR_CREATION, resources.toMap());
  }

  @Override
  public String toString() {
    return kind + " " + taskId + " " + (name != null ? name : function);
  }
}
