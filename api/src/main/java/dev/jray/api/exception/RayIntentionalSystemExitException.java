package dev.jray.api.exception;

/**
 * Ray's signal of an intentional exit of a worker or actor, as Ray's: a {@link RuntimeException},
 * not a {@link RayException}, so that catching RayException does not swallow an exit.
 */
public class RayIntentionalSystemExitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RayIntentionalSystemExitException(String message) {
    super(message);
  }

  public RayIntentionalSystemExitException(String message, Throwable cause) {
    super(message, cause);
  }
}
