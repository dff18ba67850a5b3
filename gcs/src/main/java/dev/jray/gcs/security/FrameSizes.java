package dev.jray.gcs.security;

/**
 * The largest frame a socket reads, set by a system property ({@code -Djray.link.max-frame-bytes},
 * {@code -Djray.bus.max-frame-bytes}): one parser, so every such property takes the same values
 * and says the same one line when it is not a size. Stateless.
 */
public final class FrameSizes {
  /** No frame limit may be set below this: jray's own messages must fit. */
  public static final int MIN_MAX_FRAME_BYTES = 64 << 10;

  private FrameSizes() {}

  /**
   * The largest frame, from {@code value} of the system property {@code property} (bytes, at
   * least {@link #MIN_MAX_FRAME_BYTES}), or {@code defaultBytes} if it is not set.
   *
   * @throws IllegalArgumentException naming the property if the value is not such a number
   */
  public static int maxFrameBytes(String property, String value, int defaultBytes) {
    if (value == null || value.isBlank()) {
      return defaultBytes;
    }
    try {
      int bytes = Integer.parseInt(value.strip());
      if (bytes >= MIN_MAX_FRAME_BYTES) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // the one error below names the property and the allowed range
    }
    throw new IllegalArgumentException("-D" + property + "=" + value
        + " is not a number of bytes from " + MIN_MAX_FRAME_BYTES + " to " + Integer.MAX_VALUE);
  }
}
