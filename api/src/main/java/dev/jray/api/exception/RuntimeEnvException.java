package dev.jray.api.exception;

/**
 * A runtime environment is invalid (the message names the field) or could not be set up (a jar
 * that cannot be fetched, JVM options a worker JVM refuses). Thrown where the env is given, at
 * submission when it can be told then. Ray's name.
 */
public class RuntimeEnvException extends RayException {
  private static final long serialVersionUID = 1L;

  public RuntimeEnvException(String message) {
    super(message);
  }

  public RuntimeEnvException(String message, Throwable cause) {
    super(message, cause);
  }
}
