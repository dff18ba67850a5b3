package dev.jray.gcs.serialization;

import dev.jray.api.exception.RayException;

/**
 * A value could not be serialized or deserialized; the message names the offending class.
 * Immutable, so safe to share between threads.
 */
public class SerializationException extends RayException {
  private static final long serialVersionUID = 1L;

  public SerializationException(String message) {
    super(message);
  }

  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code what}, followed by the most precise explanation in {@code cause}'s chain: a nested
   * SerializationException, else the root cause (the libraries' wrappers rarely name the class).
   */
  static SerializationException wrap(String what, Throwable cause) {
    Throwable detail = cause;
    while (!(detail instanceof SerializationException) && detail.getCause() != null) {
      detail = detail.getCause();
    }
    String text = detail instanceof SerializationException ? detail.getMessage() : detail.toString();
    return new SerializationException(what + ": " + text, cause);
  }
}
