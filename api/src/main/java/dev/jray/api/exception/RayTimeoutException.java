package dev.jray.api.exception;

/** A blocking call ({@code get}) did not complete within its timeout. Retrying may succeed. */
public class RayTimeoutException extends RayException {
  private static final long serialVersionUID = 1L;

  public RayTimeoutException(String message) {
    super(message);
  }

  public RayTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
