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
 * Runs one pull: connects to the peer, asks for the object, reserves room for it in the local
 * store when the size arrives (the memory of a deleted copy of that size if the store kept one),
 * copies the bytes from the socket into that room (through a reused direct buffer and the
 * object's file; straight into memory that a put already mapped for writing; so no page faults
 * and no Java heap either way; with TLS the decrypted bytes pass through a 64 KiB heap chunk of
 * the {@code TlsChannel}), and seals the object once the peer has sent them all and closed the
 * connection. On any failure the partial copy is aborted, so it is never visible.
 *
 * <p>{@link #run} blocks on the socket and the store's lock: it runs on a transfer thread, never
 * on an event loop. Interrupting that thread closes the socket and fails the pull.
 */
final class ObjectReceiver {
  private static final int STAGING_BYTES = 4 << 20;
  /** How long connecting to a peer may take: an unreachable host fails the pull, not hangs it. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Each transfer thread's buffer between the socket and the store's file: reused, so its pages
   * stay mapped, where reading into a fresh mapping would take a page fault per 4 KiB.
   */
  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING_BYTES));

  private final String host;
  private final int port;
  private final String peer;
  private final ObjectId id;
  private final ObjectStore into;
  private final boolean primary;
  private final Handshake handshake;
  /** Null: plain TCP. */
  private final TlsSettings tls;
  private final UniqueId self;
  private final ChannelDeadlines deadlines;

  ObjectReceiver(String host, int port, ObjectId id, ObjectStore into, boolean primary,
      Handshake handshake, TlsSettings tls, UniqueId self, ChannelDeadlines deadlines) {
    this.host = host;
    this.port = port;
    this.peer = host + ":" + port;
    this.id = id;
    this.into = into;
    this.primary = primary;
    this.handshake = handshake;
    this.tls = tls;
    this.self = self;
    this.deadlines = deadlines;
  }

  /**
   * Pulls the object, unless {@code into} holds it already.
   *
   * @throws ObjectTransferException naming the object and the peer, once nothing of the copy is
   *     kept
   */
  void run() {
    try {
      if (into.contains(id)) {
        return;
      }
    } catch (RuntimeException e) {
      throw failure("cannot check the local object store", false, e);
    }
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
        receive(channel, deadline);
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

  private void receive(ByteChannel connection, ChannelDeadlines.Deadline deadline)
      throws IOException {
    PullProtocol.writeRequest(connection, id);
    Status status = PullProtocol.readStatus(connection);
    if (status != Status.OK) {
      String message = PullProtocol.readMessage(connection);
      throw failure(
          "the peer answered " + status.name() + ": " + message, status == Status.NOT_FOUND, null);
    }
    long size = PullProtocol.readSize(connection);
    ObjectWriter writer;
    try {
      writer = createWriter(size);
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
          throw failure(
              "the stream ended after " + (size - writer.remaining()) + " of " + size + " bytes",
              false,
              null);
        }
      }
      // The peer closes once it has unpinned its copy; anything else is a protocol error.
      if (connection.read(ByteBuffer.allocate(1)) >= 0) {
        throw failure("the peer sent more than the announced " + size + " bytes", false, null);
      }
      try {
        writer.seal();
      } catch (RuntimeException e) {
        throw failure("cannot seal the object", false, e);
      }
    } finally {
      writer.abort(); // a no-op once sealed
    }
  }

  /** Returns null if the object got sealed since the first check. */
  private ObjectWriter createWriter(long size) {
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
