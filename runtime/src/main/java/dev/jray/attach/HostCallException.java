package dev.jray.attach;

/**
 * A call an attached process made to its host failed: the host refused it, did not answer in
 * time, or the link failed. The message names the call ("GCS actors.get ...").
 */
public final class HostCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean timedOut;

  HostCallException(String message, Throwable cause, boolean timedOut) {
    super(message, cause);
    this.timedOut = timedOut;
  }

  HostCallException(String message) {
    this(message, null, false);
  }

  /** Whether the host did not answer within the timeout (it may still have done what was asked). */
  public boolean timedOut() {
    return timedOut;
  }
}
