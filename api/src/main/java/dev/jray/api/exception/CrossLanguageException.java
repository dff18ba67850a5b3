package dev.jray.api.exception;

/**
 * Ray's error of a call across languages. jray runs only Java, so it never throws it; it is here so
 * that Ray code catching it compiles.
 */
public class CrossLanguageException extends RayException {
  private static final long serialVersionUID = 1L;

  public CrossLanguageException(String message) {
    super(message);
  }
}
