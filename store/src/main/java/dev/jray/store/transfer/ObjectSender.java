package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectStoreFullException;
import dev.jray.store.StoredObject;
import dev.jray.store.transfer.PullProtocol.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one pull on one accepted connection: reads the object id, pins the object, sends it from
 * the store to the socket ({@link StoredObject#transferTo}), unpins it, then closes the connection.
 *
 * <p>Back-pressure is TCP's: a write blocks while the socket's send buffer is full, so a slow
 * client costs this node a socket buffer and no Java memory, whatever the object's size. A client
 * that does not send its request within {@link ObjectTransferServer#REQUEST_TIMEOUT}, or takes no
 * bytes for {@link ObjectTransferServer#PROGRESS_TIMEOUT}, has its connection closed.
 *
 * <p>{@link #run} blocks (on the store's lock and on the socket), so it runs on a transfer thread
 * of its own, never on an event loop. {@link #abort} may be called from any thread.
 */
final class ObjectSender implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectSender.class);

  /** The most sent per call of transferTo, so the progress deadline moves between calls. */
  private static final long CHUNK_BYTES = 64 << 20;
  /** Read from the object's file per TLS write: 16 records, one copy into the heap. */
  private static final int TLS_CHUNK_BYTES = 256 << 10;

  private final ObjectStore store;
  /** The node that pulls, as it proved in the handshake. */
  final UniqueId peer;
  private final SocketChannel connection;
  /** What the pull is read from and written to: {@link #connection}, or TLS over it. */
  private final ByteChannel channel;
  private final ChannelDeadlines deadlines;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  /** The object's bytes sent whole; written by the sending thread before {@link #done} ends. */
  private long bytesSent;

  ObjectSender(ObjectStore store, UniqueId peer, SocketChannel connection, ByteChannel channel,
      ChannelDeadlines deadlines) {
    this.store = store;
    this.peer = peer;
    this.connection = connection;
    this.channel = channel;
    this.deadlines = deadlines;
  }

  /** Completes when the connection is closed and the object, if it was pinned, is unpinned. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** The bytes of the object this call sent whole (0 if none); read once {@link #done} ended. */
  long bytesSent() {
    return bytesSent;
  }

  /** Closes the connection, which makes a blocked {@link #run} fail and unpin at once. */
  void abort() {
    try {
      // Closing alone may not wake a thread blocked writing; shutting the socket down does.
      connection.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("shutting down an object transfer connection failed", e);
    }
    try {
      connection.close();
    } catch (IOException e) {
      LOG.debug("closing an object transfer connection failed", e);
    }
  }

  @Override
  public void run() {
    try (connection;
        ChannelDeadlines.Deadline deadline = deadlines.closeAfter(
            ObjectTransferServer.REQUEST_TIMEOUT, this::abort)) {
      ObjectId id = PullProtocol.readRequest(channel);
      if (id != null) {
        deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
        serve(id, deadline);
      }
    } catch (IOException e) {
      // The client went away or the server is closing: the pin is released either way.
      LOG.debug("an object transfer connection failed", e);
    } finally {
      done.complete(null);
    }
  }

  private void serve(ObjectId id, ChannelDeadlines.Deadline deadline) throws IOException {
    StoredObject object;
    try {
      object = store.get(id);
    } catch (RuntimeException e) {
      PullProtocol.writeFailure(channel, statusOf(e), "cannot read object " + id + ": " + e);
      return;
    }
    if (object == null) {
      PullProtocol.writeFailure(
          channel, Status.NOT_FOUND, "object " + id + " is not in the object store");
      return;
    }
    // Unpinned before the connection closes, so a client that has seen the end knows it is gone.
    try (object) {
      long size = object.size();
      PullProtocol.writeFound(channel, size);
      if (channel != connection) {
        sendThroughTls(object, size, deadline);
      } else {
        for (long sent = 0; sent < size; ) {
          sent += object.transferTo(sent, Math.min(CHUNK_BYTES, size - sent), connection);
          deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
        }
      }
      bytesSent = size;
    }
  }

  /** TLS encrypts in the heap: the file is read into a heap chunk (no mapping touched) for it. */
  private void sendThroughTls(StoredObject object, long size, ChannelDeadlines.Deadline deadline)
      throws IOException {
    byte[] chunk = new byte[(int) Math.min(TLS_CHUNK_BYTES, size)];
    for (long sent = 0; sent < size; ) {
      int n = (int) Math.min(chunk.length, size - sent);
      object.read(sent, chunk, 0, n);
      PullProtocol.writeFully(channel, ByteBuffer.wrap(chunk, 0, n));
      sent += n;
      deadline.extend(ObjectTransferServer.PROGRESS_TIMEOUT);
    }
  }

  private static Status statusOf(RuntimeException failure) {
    if (failure instanceof ObjectStoreFullException) {
      return Status.RESOURCE_EXHAUSTED;
    }
    if (failure instanceof IllegalStateException) {
      return Status.UNAVAILABLE;
    }
    return Status.INTERNAL;
  }
}
