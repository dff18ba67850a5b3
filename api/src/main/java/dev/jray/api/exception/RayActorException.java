package dev.jray.api.exception;

import dev.jray.api.id.ActorId;

/** The actor is dead (killed, exited, its constructor threw, or its node died). */
public class RayActorException extends RayException {
  private static final long serialVersionUID = 1L;
  private final ActorId actorId;

  public RayActorException(ActorId actorId, String message) {
    this(actorId, message, null);
  }

  public RayActorException(ActorId actorId, String message, Throwable cause) {
    super("actor " + actorId + ": " + message, cause);
    this.actorId = actorId;
  }

  public ActorId getActorId() {
    return actorId;
  }
}
