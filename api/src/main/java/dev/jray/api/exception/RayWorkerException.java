package dev.jray.api.exception;

/** The worker running a task died before the task finished. Retrying may succeed. */
public class RayWorkerException extends RayException {
  private static final long serialVersionUID = 1L;

  public RayWorkerException() {
    super("the worker died unexpectedly while executing this task");
  }

  public RayWorkerException(String message) {
    super(message);
  }

  public RayWorkerException(String message, Throwable cause) {
    super(message, cause);
  }
}
