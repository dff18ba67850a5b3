package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of a pull, one per TCP connection, with no framing around the object's bytes so
 * that they go from the sender's mapping to the receiver's in large socket writes and reads.
 *
 * <ul>
 *   <li>Request: the 28 bytes of the object id.
 *   <li>Answer: one {@link Status} byte. {@link Status#OK} is followed by the object's size as an
 *       8-byte big-endian long, then exactly that many bytes of the object; the sender closes the
 *       connection once it has unpinned the object. Any other status is followed by a 4-byte
 *       length and that many bytes of a UTF-8 message, then the connection closes.
 * </ul>
 *
 * <p>Stateless; the helpers block on the channel, so they run on transfer threads only.
 */
final class PullProtocol {
  /** How a sender answers a request. */
  enum Status {
    OK,
    NOT_FOUND,
    /** The sender's store has no room to restore the spilled object. */
    RESOURCE_EXHAUSTED,
    /** The sender's store is closed: the node is shutting down. */
    UNAVAILABLE,
    INTERNAL;

    static Status of(byte code) throws IOException {
      Status[] all = values();
      if (code < 0 || code >= all.length) {
        throw new IOException("malformed answer: unknown status " + code);
      }
      return all[code];
    }
  }

  /** Largest error message accepted, so a garbled length cannot ask for a huge buffer. */
  private static final int MAX_MESSAGE_BYTES = 64 << 10;

  private PullProtocol() {}

  static void writeRequest(WritableByteChannel channel, ObjectId id) throws IOException {
    writeFully(channel, ByteBuffer.wrap(id.getBytes()));
  }

  /** Reads a request; returns null if the channel ends before a whole id arrives. */
  static ObjectId readRequest(ReadableByteChannel channel) throws IOException {
    ByteBuffer id = ByteBuffer.allocate(ObjectId.LENGTH);
    return readFully(channel, id) ? new ObjectId(id.array()) : null;
  }

  /** Writes the header of an {@link Status#OK} answer; the object's bytes follow. */
  static void writeFound(WritableByteChannel channel, long size) throws IOException {
    writeFully(channel, ByteBuffer.allocate(1 + Long.BYTES).put((byte) Status.OK.ordinal())
        .putLong(size).flip());
  }

  static void writeFailure(WritableByteChannel channel, Status status, String message)
      throws IOException {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, MAX_MESSAGE_BYTES);
    writeFully(channel, ByteBuffer.allocate(1 + Integer.BYTES + length)
        .put((byte) status.ordinal()).putInt(length).put(text, 0, length).flip());
  }

  static Status readStatus(ReadableByteChannel channel) throws IOException {
    ByteBuffer status = ByteBuffer.allocate(1);
    require(readFully(channel, status), "the status");
    return Status.of(status.get(0));
  }

  /** Reads the size that follows {@link Status#OK}. */
  static long readSize(ReadableByteChannel channel) throws IOException {
    ByteBuffer size = ByteBuffer.allocate(Long.BYTES);
    require(readFully(channel, size), "the object's size");
    long value = size.getLong(0);
    if (value < 0) {
      throw new IOException("malformed answer: negative size " + value);
    }
    return value;
  }

  /** Reads the message that follows a status other than {@link Status#OK}. */
  static String readMessage(ReadableByteChannel channel) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
    require(readFully(channel, length), "the error message's length");
    int bytes = length.getInt(0);
    if (bytes < 0 || bytes > MAX_MESSAGE_BYTES) {
      throw new IOException("malformed answer: error message of " + bytes + " bytes");
    }
    ByteBuffer text = ByteBuffer.allocate(bytes);
    require(readFully(channel, text), "the error message");
    return new String(text.array(), StandardCharsets.UTF_8);
  }

  static void writeFully(WritableByteChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /** Fills {@code into}; returns false if the channel ends first (having read nothing or more). */
  private static boolean readFully(ReadableByteChannel channel, ByteBuffer into)
      throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into) < 0) {
        return false;
      }
    }
    return true;
  }

  private static void require(boolean read, String what) throws EOFException {
    if (!read) {
      throw new EOFException("the connection closed before " + what + " arrived");
    }
  }
}
