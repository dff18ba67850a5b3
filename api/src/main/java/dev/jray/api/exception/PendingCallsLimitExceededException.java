package dev.jray.api.exception;

import dev.jray.api.id.ActorId;

/** The actor handle already has {@code maxPendingCalls} calls in flight; retry later. */
public class PendingCallsLimitExceededException extends RayException {
  private static final long serialVersionUID = 1L;

  /** The actor whose handle is full, as Ray's (non-final) field; null if the thrower did not set it. */
  public ActorId actorId;

  public PendingCallsLimitExceededException(String message) {
    super(message);
  }
}
