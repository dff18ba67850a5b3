package dev.jray.store.transfer;

import dev.jray.store.ObjectStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves copies of the objects in one node's {@link ObjectStore} to other nodes' {@link
 * ObjectTransferClient}s over plain TCP (see {@link PullProtocol}), one pull per connection.
 *
 * <p>Each pull pins the object while it is being sent and unpins it when it is sent, fails, or the
 * client goes away. The bytes go from the object's mapping to the socket in large writes, with no
 * copy through a Java buffer, as fast as the client takes them.
 *
 * <p>Threading: one accepting thread, and one transfer thread per pull in progress (from a cached
 * pool of daemon threads); they block on sockets and the store's lock, never on an event loop. The
 * returned futures complete on the Vert.x context of the caller of {@link #start}. Thread-safe.
 */
public final class ObjectTransferServer {
  private static final Logger LOG = Logger.getLogger(ObjectTransferServer.class.getName());
  /** Kernel socket buffer per connection: enough for a large write to leave little idle time. */
  static final int SOCKET_BUFFER_BYTES = 4 << 20;

  private final ObjectStore store;
  private final Context context;
  private final ServerSocketChannel listener;
  private final ExecutorService senders;
  // Pulls in progress, added by the accepting thread and removed by their transfer threads.
  private final Set<ObjectSender> calls = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ObjectTransferServer(ObjectStore store, Context context, ServerSocketChannel listener) {
    this.store = store;
    this.context = context;
    this.listener = listener;
    int port = listener.socket().getLocalPort();
    this.senders = Executors.newCachedThreadPool(daemonThreads("jray-transfer-send-" + port));
  }

  /**
   * Starts serving {@code store} on {@code host}, and only there.
   *
   * @param port the TCP port, or 0 for an ephemeral one (see {@link #port()})
   * @return the listening server, or a failure if it cannot bind
   */
  public static Future<ObjectTransferServer> start(
      Vertx vertx, ObjectStore store, String host, int port) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(
        () -> {
          ServerSocketChannel listener = ServerSocketChannel.open();
          try {
            // Set before bind, so accepted connections start with a window this large.
            listener.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            listener.bind(new InetSocketAddress(host, port));
          } catch (IOException | RuntimeException e) {
            listener.close();
            throw new IOException("cannot listen for object transfers on " + host + ":" + port, e);
          }
          ObjectTransferServer server = new ObjectTransferServer(store, context, listener);
          Thread acceptor = new Thread(server::accept, "jray-transfer-accept-" + server.port());
          acceptor.setDaemon(true);
          acceptor.start();
          return server;
        },
        false);
  }

  /** The port the server listens on. */
  public int port() {
    return listener.socket().getLocalPort();
  }

  /**
   * Stops listening, closes every connection, so aborts the pulls in progress, and completes once
   * those pulls have unpinned their objects.
   */
  public Future<Void> close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the object transfer listener failed", e);
    }
    calls.forEach(ObjectSender::abort);
    return idle().onComplete(ignored -> senders.shutdown());
  }

  /** Completes once every pull in progress now is over and has unpinned its object. */
  Future<Void> idle() {
    CompletableFuture<?>[] ongoing =
        calls.stream().map(ObjectSender::done).toArray(CompletableFuture[]::new);
    return Future.fromCompletionStage(CompletableFuture.allOf(ongoing), context);
  }

  /** The accepting thread's loop; ends when the listener closes. */
  private void accept() {
    while (true) {
      SocketChannel connection;
      try {
        connection = listener.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.log(Level.WARNING, "accepting an object transfer connection failed", e);
        continue;
      }
      ObjectSender call = new ObjectSender(store, connection);
      calls.add(call);
      call.done().whenComplete((ignored, failure) -> calls.remove(call));
      if (closed) {
        call.abort(); // close() may have missed it
      }
      try {
        configure(connection);
        senders.execute(call);
      } catch (IOException | RuntimeException e) {
        call.abort();
        call.done().complete(null);
      }
    }
  }

  static void configure(SocketChannel connection) throws IOException {
    connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
    connection.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
  }

  static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
