package dev.jray.api.exception;

import dev.jray.api.id.ActorId;

/**
 * The actor died before it finished the call: killed, exited, its constructor threw, its process
 * or node died, or the call reached it while it restarted. The constructors and the public {@link
 * #actorId} field are Ray's.
 */
public class RayActorException extends RayException {
  private static final long serialVersionUID = 1L;

  /**
   * The actor, as Ray's field (not final there either); null when the thrower did not know it.
   */
  public ActorId actorId;

  public RayActorException() {
    this((ActorId) null, "the actor died unexpectedly before finishing this task", null);
  }

  public RayActorException(ActorId actorId) {
    this(actorId, "died unexpectedly before finishing this task", null);
  }

  public RayActorException(ActorId actorId, Throwable cause) {
    this(actorId, "died unexpectedly before finishing this task", cause);
  }

  /** Ray's: the actor's creation task failed in process {@code pid} on {@code ipAddress}. */
  public RayActorException(int pid, String ipAddress, ActorId actorId, Throwable cause) {
    this(actorId, "(pid=" + pid + ", ip=" + ipAddress + ") died because its creation task failed",
        cause);
  }

  /** Ray's: an actor died in process {@code pid} on {@code ipAddress}. */
  public RayActorException(int pid, String ipAddress, Throwable cause) {
    this((ActorId) null, "(pid=" + pid + ", ip=" + ipAddress
        + ") the actor died unexpectedly before finishing this task", cause);
  }

  // No (String) nor (ActorId, String): Ray has neither, and with them new RayActorException(null)
  // and new RayActorException(actorId, null) would be ambiguous
  public RayActorException(ActorId actorId, String message, Throwable cause) {
    super(actorId == null ? message : "actor " + actorId + ": " + message, cause);
    this.actorId = actorId;
  }

  public ActorId getActorId() {
    return actorId;
  }
}
