package dev.jray.link;

import dev.jray.gcs.security.FrameSizes;
import java.nio.ByteBuffer;

/**
 * The link's wire format: each frame is its length (an int, not counting itself), a kind byte,
 * a correlation id (a long; 0 unless a request or a reply) and the payload (Fory bytes of the
 * message, UTF-8 text for {@link #REPLY_FAILED}). Frames start once the connection has passed the
 * {@link dev.jray.gcs.security.Handshake}, which also told each side the other's node id.
 */
final class Frames {
  /** A one-way message. */
  static final byte MESSAGE = 1;
  /** A message that wants a reply with the same id. */
  static final byte REQUEST = 2;
  static final byte REPLY = 3;
  static final byte REPLY_FAILED = 4;
  /** Kind and id: the bytes after the length that are not payload. */
  static final int HEADER = Byte.BYTES + Long.BYTES;
  /** The system property that sets the largest frame a link reads, in bytes. */
  static final String MAX_FRAME_PROPERTY = "jray.link.max-frame-bytes";
  /**
   * The default largest frame: messages carry values up to the inline limit (100 KB) each, larger
   * ones travel between object stores, so a larger frame is a corrupt or hostile stream.
   */
  static final int DEFAULT_MAX_FRAME_BYTES = 8 << 20;

  private Frames() {}

  /**
   * The largest frame a link reads, from {@code -Djray.link.max-frame-bytes} (bytes, at least 64
   * KiB; default 8 MiB).
   *
   * @throws IllegalArgumentException naming the property if its value is not such a number
   */
  static int maxFrameBytes(String property) {
    return FrameSizes.maxFrameBytes(MAX_FRAME_PROPERTY, property, DEFAULT_MAX_FRAME_BYTES);
  }

  /** One frame as read: its payload is a view valid until the reader reads the next frame. */
  record Frame(byte kind, long id, ByteBuffer payload) {}

  /** One frame queued for writing. */
  record Outgoing(byte kind, long id, byte[] payload) {
    int size() {
      return Integer.BYTES + HEADER + payload.length;
    }
  }
}
