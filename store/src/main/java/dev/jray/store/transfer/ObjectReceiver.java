package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.AuthenticatingAcceptor;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.security.TlsChannel;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectWriter;
import dev.jray.store.transfer.PullProtocol.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Runs one transfer from a peer: connects, asks for the object, and takes its bytes, in one of two
 * ways. A pull ({@link #pull}) reserves room in the local store when the size arrives (the memory
 * of a deleted copy of that size if the store kept one), copies the bytes from the socket into
 * that room (through a reused direct buffer and the object's file; straight into memory that a
 * put already mapped for writing; so no page faults and no Java heap either way), and seals the
 * object once the peer has sent them all and closed the connection; on any failure the partial
 * copy is aborted, so it is never visible. A read ({@link #read}) reads the bytes straight into
 * an array of the Java heap that its {@link HeapDestination} chooses, keeping no copy here: one
 * copy after the socket's, where a pull and then a read of the stored copy take three. With TLS
 * the decrypted bytes pass through a 64 KiB heap chunk of the {@code TlsChannel}.
 *
 * <p>Both block on the socket (a pull on the store's lock too): they run on a transfer thread,
 * never on an event loop. Interrupting that thread closes the socket and fails the transfer.
 */
final class ObjectReceiver {
  /** The object's size once received whole, else 0; written and read by its transfer thread. */
  private long receivedBytes;

  /** The bytes this receiver took whole (0 until it did). */
  long receivedBytes() {
    return receivedBytes;
  }

  private static final int STAGING_BYTES = 4 << 20;
  /**
   * The most read into a heap array per call: the JDK reads through a temporary direct buffer of
   * the call's size, cached per thread, so this bounds that buffer.
   */
  private static final int HEAP_READ_BYTES = 1 << 20;
  /** How long connecting to a peer may take: an unreachable host fails the pull, not hangs it. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Each transfer thread's buffer between the socket and the store's file: reused, so its pages
   * stay mapped, where reading into a fresh mapping would take a page fault per 4 KiB.
   */
  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING_BYTES));

  /** What a transfer does with the object's bytes once the peer has announced their number. */
  private interface Body<T> {
    T receive(ByteChannel connection, long size, ChannelDeadlines.Deadline deadline)
        throws IOException;
  }

  private final String host;
  private final int port;
  private final String peer;
  private final ObjectId id;
  private final Handshake handshake;
  /** Null: plain TCP. */
  private final TlsSettings tls;
  private final UniqueId self;
  private final ChannelDeadlines deadlines;

  ObjectReceiver(String host, int port, ObjectId id, Handshake handshake, TlsSettings tls,
      UniqueId self, ChannelDeadlines deadlines) {
    this.host = host;
    this.port = port;
    this.peer = host + ":" + port;
    this.id = id;
    this.handshake = handshake;
    this.tls = tls;
    this.self = self;
    this.deadlines = deadlines;
  }

  /**
   * Pulls the object into {@code into}, unless it holds it already.
   *
   * @param primary whether the copy is the primary copy (see {@link ObjectStore#put})
   * @throws ObjectTransferException naming the object and the peer, once nothing of the copy is
   *     kept
   */
  void pull(ObjectStore into, boolean primary) {
    try {
      if (into.contains(id)) {
        return;
      }
    } catch (RuntimeException e) {
      throw failure("cannot check the local object store", false, e);
    }
    exchange((connection, size, deadline) -> {
      copyIntoStore(connection, size, deadline, into, primary);
      return null;
    });
  }

  /**
   * Reads the object into the array {@code into} chooses.
   *
   * @return that array, filled
   * @throws ObjectTransferException naming the object and the peer
   */
  byte[] read(HeapDestination into) {
    return exchange((connection, size, deadline) -> readIntoHeap(connection, size, deadline, into));
  }

  /** Connects, authenticates, asks for the object and hands its bytes to {@code body}. */
  private <T> T exchange(Body<T> body) {
    try (SocketChannel connection = SocketChannel.open()) {
      connection.setOption(StandardSocketOptions.SO_RCVBUF, ObjectTransferServer.SOCKET_BUFFER_BYTES);
      try {
        connection.socket().connect(new InetSocketAddress(host, port),
            (int) CONNECT_TIMEOUT.toMillis());
      } catch (IOException e) {
        throw failure("cannot connect", false, e);
      }
      ObjectTransferServer.configure(connection);
      try (ChannelDeadlines.Deadline deadline = deadlines.closeAfter(
          AuthenticatingAcceptor.Limits.DEFAULT.handshakeTimeout(), connection)) {
        ByteChannel channel = authenticate(connection, deadline);
        deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
        PullProtocol.writeRequest(channel, id);
        Status status = PullProtocol.readStatus(channel);
        if (status != Status.OK) {
          String message = PullProtocol.readMessage(channel);
          throw failure("the peer answered " + status.name() + ": " + message,
              status == Status.NOT_FOUND, null);
        }
        long size = PullProtocol.readSize(channel);
        T received = body.receive(channel, size, deadline);
        receivedBytes = size;
        return received;
      }
    } catch (IOException e) {
      throw failure("the connection failed", false, e);
    }
  }

  /** The handshake, inside TLS when on. @return what the pull reads: the socket, or TLS over it */
  private ByteChannel authenticate(SocketChannel connection, ChannelDeadlines.Deadline deadline) {
    Duration timeout = AuthenticatingAcceptor.Limits.DEFAULT.handshakeTimeout();
    try {
      ByteChannel channel = tls == null ? connection
          : TlsChannel.client(connection, tls, (int) timeout.toMillis());
      handshake.asClient(channel, self);
      return channel;
    } catch (IOException e) {
      throw failure("refused: " + (deadline.expired() ? "it did not finish the handshake within "
          + timeout.toMillis() + " ms" : e instanceof SSLException
          ? "its TLS handshake failed: " + e.getMessage() : e.getMessage()), false, null);
    }
  }

  private void copyIntoStore(ByteChannel connection, long size, ChannelDeadlines.Deadline deadline,
      ObjectStore into, boolean primary) throws IOException {
    ObjectWriter writer;
    try {
      writer = createWriter(into, size, primary);
    } catch (RuntimeException e) {
      throw failure("cannot reserve " + size + " bytes in the local object store", false, e);
    }
    if (writer == null) {
      return; // sealed by another writer meanwhile; closing the connection unpins the peer's copy
    }
    try {
      ByteBuffer staging = STAGING.get();
      while (writer.remaining() > 0) {
        int read;
        try {
          read = writer.readFrom(connection, staging);
        } catch (RuntimeException e) {
          throw failure("cannot write into the local object store", false, e);
        }
        deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
        if (read < 0) {
          throw endedEarly(size - writer.remaining(), size);
        }
      }
      expectEnd(connection, size);
      try {
        writer.seal();
      } catch (RuntimeException e) {
        throw failure("cannot seal the object", false, e);
      }
    } finally {
      writer.abort(); // a no-op once sealed
    }
  }

  private byte[] readIntoHeap(ByteChannel connection, long size, ChannelDeadlines.Deadline deadline,
      HeapDestination into) throws IOException {
    byte[] head = new byte[(int) Math.min(size, HeapDestination.HEAD_BYTES)];
    ByteBuffer headBuffer = ByteBuffer.wrap(head);
    while (headBuffer.hasRemaining()) {
      if (connection.read(headBuffer) < 0) {
        throw endedEarly(headBuffer.position(), size);
      }
      deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
    }
    HeapDestination.Slot slot;
    try {
      slot = into.allocate(size, head);
    } catch (RuntimeException e) {
      throw failure("it was refused here: " + e.getMessage(), false, null);
    } catch (OutOfMemoryError e) {
      throw failure("the Java heap has no room for its " + size + " bytes (-Xmx)", false, null);
    }
    byte[] array = slot.array();
    if (slot.skip() > head.length || array.length != size - slot.skip()) {
      throw new IllegalStateException("the destination of object " + id + " (" + size
          + " bytes) is an array of " + array.length + " for its bytes from " + slot.skip() + " on");
    }
    int filled = head.length - slot.skip();
    System.arraycopy(head, slot.skip(), array, 0, filled);
    while (filled < array.length) {
      int read = connection.read(
          ByteBuffer.wrap(array, filled, Math.min(HEAP_READ_BYTES, array.length - filled)));
      if (read < 0) {
        throw endedEarly(slot.skip() + (long) filled, size);
      }
      filled += read;
      deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
    }
    expectEnd(connection, size);
    return array;
  }

  /** The peer closes once it has unpinned its copy; anything else is a protocol error. */
  private void expectEnd(ByteChannel connection, long size) throws IOException {
    if (connection.read(ByteBuffer.allocate(1)) >= 0) {
      throw failure("the peer sent more than the announced " + size + " bytes", false, null);
    }
  }

  private ObjectTransferException endedEarly(long received, long size) {
    return failure("the stream ended after " + received + " of " + size + " bytes", false, null);
  }

  /** Returns null if the object got sealed since the first check. */
  private ObjectWriter createWriter(ObjectStore into, long size, boolean primary) {
    try {
      return into.create(id, size, primary);
    } catch (IllegalStateException e) {
      if (into.contains(id)) {
        return null;
      }
      throw new IllegalStateException(
          "object "
              + id
              + " is being written into the local object store by another writer;"
              + " retry once that writer has sealed or aborted it",
          e);
    }
  }

  private ObjectTransferException failure(String reason, boolean notFound, Throwable cause) {
    return new ObjectTransferException(id, peer, reason, notFound, cause);
  }
}
