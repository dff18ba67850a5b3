package dev.jray.link;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Reads frames from a channel through one buffer, so a read system call brings in every frame
 * that has arrived. Used by one thread only.
 */
final class FrameReader {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final ReadableByteChannel channel;
  /** In read mode: position is the next unread byte, limit the end of what was read. */
  private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER).flip();

  FrameReader(ReadableByteChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  /**
   * The next frame, blocking until it is whole; its payload is valid until the next call.
   *
   * @return null when the peer closed the connection between frames
   * @throws EOFException if the peer closed it in the middle of a frame
   * @throws IOException if the stream is corrupt or reading fails
   */
  Frames.Frame next() throws IOException {
    if (!fill(Integer.BYTES)) {
      if (buffer.hasRemaining()) {
        throw midFrame(Integer.BYTES);
      }
      return null;
    }
    int length = buffer.getInt(buffer.position());
    if (length < Frames.HEADER || length > Frames.MAX_LENGTH) {
      throw new IOException("corrupt link stream: a frame of " + length + " bytes");
    }
    if (!fill(Integer.BYTES + length)) {
      throw midFrame(Integer.BYTES + length);
    }
    buffer.getInt();
    byte kind = buffer.get();
    long id = buffer.getLong();
    int payloadLength = length - Frames.HEADER;
    ByteBuffer payload = buffer.slice(buffer.position(), payloadLength);
    buffer.position(buffer.position() + payloadLength);
    return new Frames.Frame(kind, id, payload);
  }

  /** Whether a whole frame is buffered: {@link #next} would not read from the channel. */
  boolean hasBufferedFrame() {
    return buffer.remaining() >= Integer.BYTES
        && buffer.remaining() >= Integer.BYTES + buffer.getInt(buffer.position());
  }

  private EOFException midFrame(int wanted) {
    return new EOFException("the peer closed the link in the middle of a frame ("
        + buffer.remaining() + " of " + wanted + " bytes arrived)");
  }

  /** Reads until {@code n} bytes are buffered; false at end of stream. */
  private boolean fill(int n) throws IOException {
    while (buffer.remaining() < n) {
      if (buffer.capacity() < n) {
        ByteBuffer larger = ByteBuffer.allocate(Math.max(n, buffer.capacity() * 2));
        larger.put(buffer);
        buffer = larger;
      } else {
        buffer.compact();
      }
      int read = channel.read(buffer);
      buffer.flip();
      if (read < 0) {
        return false;
      }
    }
    return true;
  }
}
