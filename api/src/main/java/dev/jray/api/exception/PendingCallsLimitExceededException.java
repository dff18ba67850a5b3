package dev.jray.api.exception;

/** The actor handle already has {@code maxPendingCalls} calls in flight; retry later. */
public class PendingCallsLimitExceededException extends RayException {
  private static final long serialVersionUID = 1L;

  public PendingCallsLimitExceededException(String message) {
    super(message);
  }
}
