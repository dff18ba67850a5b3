package dev.jray.link;

import java.nio.ByteBuffer;

/**
 * The link's wire format: each frame is its length (an int, not counting itself), a kind byte,
 * a correlation id (a long; 0 unless a request or a reply) and the payload (Fory bytes of the
 * message, the node id for {@link #HELLO}, UTF-8 text for {@link #REPLY_FAILED}).
 */
final class Frames {
  /** The first frame on a connection: the connecting node's id. */
  static final byte HELLO = 0;
  /** A one-way message. */
  static final byte MESSAGE = 1;
  /** A message that wants a reply with the same id. */
  static final byte REQUEST = 2;
  static final byte REPLY = 3;
  static final byte REPLY_FAILED = 4;
  /** Kind and id: the bytes after the length that are not payload. */
  static final int HEADER = Byte.BYTES + Long.BYTES;
  /** Larger lengths mean a corrupt stream (inline values are at most a few hundred KB). */
  static final int MAX_LENGTH = 1 << 30;

  private Frames() {}

  /** One frame as read: its payload is a view valid until the reader reads the next frame. */
  record Frame(byte kind, long id, ByteBuffer payload) {}

  /** One frame queued for writing. */
  record Outgoing(byte kind, long id, byte[] payload) {
    int size() {
      return Integer.BYTES + HEADER + payload.length;
    }
  }
}
