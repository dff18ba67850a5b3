package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;

/**
 * One state change of a task as this node saw it, as Ray's task events: the owner records a
 * task's submission and failures it decides itself, the node that runs it records RUNNING and the
 * outcome.
 *
 * @param actorId the actor of an actor task or creation, else null
 * @param name the name the caller gave it, else null
 * @param timeMs wall-clock milliseconds, to about a millisecond
 * @param errorType Ray's error type of a FAILED event, else null
 * @param errorMessage what failed, for a FAILED event, else null
 */
public record TaskEvent(TaskId taskId, JobId jobId, TaskKind kind, ActorId actorId,
    FunctionDescriptor function, String name, int attempt, State state, long timeMs,
    String errorType, String errorMessage) {

  /** Ray's task states that jray records, in the order a task passes them. */
  public enum State {
    /** Submitted by its owner; waits for a node with room (actor calls: for their actor). */
    PENDING_NODE_ASSIGNMENT,
    /** An actor call sent toward its actor. */
    SUBMITTED_TO_WORKER,
    RUNNING,
    FINISHED,
    FAILED;

    /** Whether a task in this state is over. */
    public boolean isTerminal() {
      return this == FINISHED || this == FAILED;
    }
  }
}
