package dev.jray.api.exception;

/**
 * The user code of a task or actor method threw. The cause is what it threw; when a task failed
 * because a task it depended on failed, the causes nest, one layer per task.
 */
public class RayTaskException extends RayException {
  private static final long serialVersionUID = 1L;

  public RayTaskException(String message) {
    super(message);
  }

  public RayTaskException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Ray's: the task failed in process {@code pid} on {@code ipAddress}. */
  public RayTaskException(int pid, String ipAddress, String message, Throwable cause) {
    super("(pid=" + pid + ", ip=" + ipAddress + ") " + message, cause);
  }
}
