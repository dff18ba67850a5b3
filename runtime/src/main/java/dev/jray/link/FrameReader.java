package dev.jray.link;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Reads frames from a channel through one buffer, so a read system call brings in every frame
 * that has arrived. A frame longer than the limit is refused before anything is allocated for
 * it; the buffer grows for a large frame and shrinks back to its initial size once it is read.
 * Used by one thread only.
 */
final class FrameReader {
  static final int INITIAL_BUFFER = 64 * 1024;

  private final ReadableByteChannel channel;
  private final int maxFrameBytes;
  /** Counts what it reads: per read and per frame. */
  private final LinkTraffic traffic;
  /** In read mode: position is the next unread byte, limit the end of what was read. */
  private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER).flip();

  /** @param maxFrameBytes the largest frame accepted, its length prefix included */
  FrameReader(ReadableByteChannel channel, int maxFrameBytes) {
    this(channel, maxFrameBytes, new LinkTraffic());
  }

  /** As above, counting what it reads in {@code traffic}. */
  FrameReader(ReadableByteChannel channel, int maxFrameBytes, LinkTraffic traffic) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.maxFrameBytes = maxFrameBytes;
    this.traffic = Objects.requireNonNull(traffic, "traffic");
  }

  /**
   * The next frame, blocking until it is whole; its payload is valid until the next call.
   *
   * @return null when the peer closed the connection between frames
   * @throws EOFException if the peer closed it in the middle of a frame
   * @throws IOException if the stream is corrupt or reading fails
   */
  Frames.Frame next() throws IOException {
    if (buffer.capacity() > INITIAL_BUFFER && buffer.remaining() <= INITIAL_BUFFER) {
      // the large frame it grew for has been handled: its payload view is no longer used
      buffer = ByteBuffer.allocate(INITIAL_BUFFER).put(buffer).flip();
    }
    if (!fill(Integer.BYTES)) {
      if (buffer.hasRemaining()) {
        throw midFrame(Integer.BYTES);
      }
      return null;
    }
    int length = buffer.getInt(buffer.position());
    if (length < Frames.HEADER || length > maxFrameBytes - Integer.BYTES) {
      throw new IOException("the peer sent a frame of " + Integer.toUnsignedString(length)
          + " bytes; a link accepts " + Frames.HEADER + " to " + (maxFrameBytes - Integer.BYTES)
          + " (-D" + Frames.MAX_FRAME_PROPERTY + ")");
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
    traffic.receivedFrame();
    return new Frames.Frame(kind, id, payload);
  }

  /** The buffer's capacity, for tests. */
  int capacity() {
    return buffer.capacity();
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
        ByteBuffer larger = ByteBuffer.allocate(
            Math.max(n, (int) Math.min(2L * buffer.capacity(), maxFrameBytes)));
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
      traffic.receivedBytes(read);
    }
    return true;
  }
}
