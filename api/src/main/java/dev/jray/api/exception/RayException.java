package dev.jray.api.exception;

/** Base of every exception jray throws to user code. */
public class RayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RayException(String message) {
    super(message);
  }

  public RayException(String message, Throwable cause) {
    super(message, cause);
  }
}
