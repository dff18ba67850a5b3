package dev.jray.api.exception;

/**
 * The actor could not be reached for a while (its node is unreachable, or a link to it broke) but
 * is not known to be dead: the call may or may not have run. A later call may succeed. Ray's name.
 */
public class ActorUnavailableException extends RayException {
  private static final long serialVersionUID = 1L;

  public ActorUnavailableException(String message) {
    super(message);
  }

  public ActorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
