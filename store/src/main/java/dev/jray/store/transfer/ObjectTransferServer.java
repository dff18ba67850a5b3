package dev.jray.store.transfer;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.AuthenticatingAcceptor;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves copies of the objects in one node's {@link ObjectStore} to other nodes' {@link
 * ObjectTransferClient}s over TCP (see {@link PullProtocol}), one pull per connection, inside
 * mutual TLS when {@link TlsSettings} are given.
 *
 * <p>Each pull pins the object while it is being sent and unpins it when it is sent, fails, or the
 * client goes away. The bytes go to the socket in 1 MiB writes from the object's mapping, or from
 * a reused direct buffer its file is read into ({@link dev.jray.store.StoredObject#transferTo}), never through
 * the Java heap, as fast as the client takes them; with TLS they pass through a heap buffer to be
 * encrypted.
 *
 * <p>A client must first pass the {@link Handshake} (prove the cluster token) within its
 * deadline; until then it costs no thread ({@link AuthenticatingAcceptor}). Once authenticated, a
 * node has at most {@link #MAX_PULLS_PER_PEER} pulls in progress here, must ask for its object
 * within {@link #REQUEST_TIMEOUT}, and must take some of it every {@link #PROGRESS_TIMEOUT}.
 *
 * <p>Threading: one accepting thread, a small handshake pool, and one transfer thread per pull in
 * progress (from a cached pool of daemon threads); they block on sockets and the store's lock,
 * never on an event loop. The returned futures complete on the Vert.x context of the caller of
 * {@link #start}. Thread-safe; the pulls per peer are counted in a concurrent map.
 */
public final class ObjectTransferServer {
  /** Kernel socket buffer per connection: enough for a large write to leave little idle time. */
  static final int SOCKET_BUFFER_BYTES = 4 << 20;
  /** Pulls in progress from one node at most; more are refused. */
  static final int MAX_PULLS_PER_PEER = 64;
  /** How long an authenticated client may take to send its request. */
  static final Duration REQUEST_TIMEOUT = AuthenticatingAcceptor.Limits.DEFAULT.handshakeTimeout();
  /** How long a pull may go without the client taking any bytes. */
  static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(30);

  private final ObjectStore store;
  private final Context context;
  private final int port;
  private final ChannelDeadlines deadlines;
  private final ExecutorService senders;
  /** Set once, right after construction. */
  private volatile AuthenticatingAcceptor acceptor;
  // Pulls in progress, added by handshake threads and removed by their transfer threads.
  private final Set<ObjectSender> calls = ConcurrentHashMap.newKeySet();
  private final Map<UniqueId, AtomicInteger> pullsPerPeer = new ConcurrentHashMap<>();
  /** Authenticated connections refused for a cap. */
  private final AtomicLong refusedPeers = new AtomicLong();
  /** Bytes of objects sent whole, added once per transfer (for metrics). */
  private final LongAdder sentBytes = new LongAdder();
  private volatile boolean closed;

  private ObjectTransferServer(ObjectStore store, Context context, int port, Time time) {
    this.store = store;
    this.context = context;
    this.port = port;
    this.deadlines = new ChannelDeadlines(time, "jray-transfer-deadlines-" + port);
    this.senders = Executors.newCachedThreadPool(daemonThreads("jray-transfer-send-" + port));
  }

  /**
   * Starts serving {@code store} on {@code host}, and only there, to clients that prove {@code
   * token}.
   *
   * @param port the TCP port, or 0 for an ephemeral one (see {@link #port()})
   * @param tls mutual TLS on every pull, beneath the handshake; null for plain TCP
   * @param self the node id this server proves
   * @param time the clock of the handshake, request and progress deadlines
   * @return the listening server, or a failure if it cannot bind
   */
  public static Future<ObjectTransferServer> start(Vertx vertx, ObjectStore store, String host,
      int port, ClusterToken token, TlsSettings tls, UniqueId self, Time time) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(host, "host");
    Handshake handshake = new Handshake(token, "transfer");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(time, "time");
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
          ObjectTransferServer server = new ObjectTransferServer(store, context,
              listener.socket().getLocalPort(), time);
          try {
            server.acceptor = new AuthenticatingAcceptor("object transfer", listener, handshake,
                tls, self, time, AuthenticatingAcceptor.Limits.DEFAULT, server.deadlines,
                server::onAuthenticated);
          } catch (IOException | RuntimeException e) {
            listener.close();
            server.deadlines.close();
            throw e;
          }
          return server;
        },
        false);
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** Connections refused before or right after authenticating, for tests. */
  long refused() {
    return acceptor.refused() + refusedPeers.get();
  }

  /**
   * Stops listening, closes every connection, so aborts the pulls in progress, and completes once
   * those pulls have unpinned their objects.
   */
  public Future<Void> close() {
    closed = true;
    acceptor.close();
    calls.forEach(ObjectSender::abort);
    return idle().onComplete(ignored -> {
      senders.shutdown();
      deadlines.close();
    });
  }

  /**
   * Aborts the pulls in progress by node {@code peer} (it left the cluster), so their objects are
   * unpinned now rather than when the progress deadline passes.
   */
  public void abortPullsBy(UniqueId peer) {
    Objects.requireNonNull(peer, "peer");
    for (ObjectSender call : calls) {
      if (call.peer.equals(peer)) {
        call.abort();
      }
    }
  }

  /** Completes once every pull in progress now is over and has unpinned its object. */
  Future<Void> idle() {
    CompletableFuture<?>[] ongoing =
        calls.stream().map(ObjectSender::done).toArray(CompletableFuture[]::new);
    return Future.fromCompletionStage(CompletableFuture.allOf(ongoing), context);
  }

  /** A client proved the token; on a handshake thread. */
  private void onAuthenticated(SocketChannel connection, ByteChannel channel, UniqueId peer)
      throws IOException {
    AtomicInteger pulls = pullsPerPeer.computeIfAbsent(peer, p -> new AtomicInteger());
    if (pulls.incrementAndGet() > MAX_PULLS_PER_PEER) {
      pulls.decrementAndGet();
      refusedPeers.incrementAndGet();
      throw new IOException("node " + peer + " has " + MAX_PULLS_PER_PEER
          + " pulls in progress already");
    }
    ObjectSender call = new ObjectSender(store, peer, connection, channel, deadlines);
    calls.add(call);
    call.done().whenComplete((ignored, failure) -> {
      sentBytes.add(call.bytesSent());
      calls.remove(call);
      pulls.decrementAndGet();
    });
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

  /** Bytes of objects this server has sent whole since it started. Thread-safe. */
  public long sentBytes() {
    return sentBytes.sum();
  }
}
