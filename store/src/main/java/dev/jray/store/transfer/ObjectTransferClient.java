package dev.jray.store.transfer;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Takes objects from other nodes' {@link ObjectTransferServer}s, in one of two ways: a pull
 * ({@link #pull}) copies an object from the socket into the memory reserved for it in a local
 * {@link ObjectStore} through a small reused direct buffer, so it never passes through the Java
 * heap; a read ({@link #read}) copies it straight into an array of the Java heap, for a caller
 * that wants the value and no cached copy.
 *
 * <p>Memory per pull is the object's room in the store, a socket buffer and the transfer thread's
 * 4 MiB direct buffer; per read, its array and a 1 MiB direct buffer. TCP flow control stops the
 * peer while the room is being reserved.
 *
 * <p>Each transfer opens with the {@link Handshake}: this node proves the cluster token and the
 * peer must prove it too, within the handshake deadline; a peer that then sends nothing for
 * {@link ObjectTransferServer#PROGRESS_TIMEOUT} fails the transfer.
 *
 * <p>A transfer from a node that leaves the cluster is cancelled ({@link #cancelPullsFrom}); a
 * peer that cannot be reached fails it after {@link ObjectReceiver#CONNECT_TIMEOUT}.
 *
 * <p>Thread-safe; {@link #pull} and {@link #read} may be called from any thread and never block:
 * each transfer runs on a transfer thread of its own (from a cached pool of daemon threads), never
 * on an event loop. A pull's future completes on the caller's Vert.x context (a new one when
 * called from outside Vert.x), a read's on the transfer thread.
 */
public final class ObjectTransferClient {
  /** Bytes of objects received whole, added once per transfer (for metrics). */
  private final LongAdder receivedBytes = new LongAdder();
  private record Pull(ObjectStore into, ObjectId id) {}

  /**
   * A transfer on its transfer thread, cancellable before and while it runs: its lock orders a
   * cancel's interrupt against the transfer's start and end, so an interrupt never reaches the
   * thread's next transfer.
   */
  private static final class Running {
    /** The node pulled from; null if the caller did not name it. */
    final UniqueId peer;
    /** The thread running it, once started; guarded by this. */
    private Thread thread;
    /** Why it was cancelled, or null; guarded by this. */
    private String cancelled;
    /** Guarded by this. */
    private boolean ended;

    Running(UniqueId peer) {
      this.peer = peer;
    }

    /** @return false if it was cancelled before it started: it does not run then */
    synchronized boolean start(Thread on) {
      thread = on;
      return cancelled == null;
    }

    synchronized void cancel(String why) {
      if (!ended && cancelled == null) {
        cancelled = why;
        if (thread != null) {
          thread.interrupt(); // closes the socket: the receiver fails and aborts its copy
        }
      }
    }

    /** @return why it was cancelled, or null */
    synchronized String end() {
      ended = true;
      if (thread != null) {
        Thread.interrupted(); // a cancel's interrupt must not reach the thread's next transfer
      }
      return cancelled;
    }
  }

  private final Vertx vertx;
  private final Handshake handshake;
  /** Mutual TLS beneath the handshake; null: plain TCP. */
  private final TlsSettings tls;
  private final UniqueId self;
  private final ChannelDeadlines deadlines;
  private final ExecutorService receivers =
      Executors.newCachedThreadPool(ObjectTransferServer.daemonThreads("jray-transfer-pull"));
  private final ConcurrentMap<Pull, Future<Void>> inProgress = new ConcurrentHashMap<>();
  /** The transfers running on transfer threads, to cancel those from a node that left; concurrent. */
  private final Set<Running> runningTransfers = ConcurrentHashMap.newKeySet();

  /**
   * @param token the cluster token this node proves and asks of the peers it pulls from
   * @param tls mutual TLS on every pull, beneath the handshake; null for plain TCP
   * @param self the node id this node proves
   * @param time the clock of the handshake and progress deadlines
   */
  public ObjectTransferClient(Vertx vertx, ClusterToken token, TlsSettings tls, UniqueId self,
      Time time) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.handshake = new Handshake(token, "transfer");
    this.tls = tls;
    this.self = Objects.requireNonNull(self, "self");
    this.deadlines = new ChannelDeadlines(time, "jray-transfer-pull-deadlines");
  }

  /**
   * Copies object {@code id} from the node serving objects at {@code host:port} into {@code into},
   * sealing it once all bytes are in. Succeeds at once if {@code into} already holds the object.
   *
   * <p>A pull of an id that this client is already pulling into the same store joins that pull
   * and gets its outcome, whatever peer or {@code primary} flag it names. If the object is being
   * written into the store by anyone else (another client, a local put), the pull fails saying
   * so; retry once that writer is done, and the retry succeeds at once if it sealed the object.
   *
   * @param primary whether the copy is the primary copy (see {@link ObjectStore#put})
   * @return completes once the object is sealed in {@code into}; fails with an {@link
   *     ObjectTransferException} naming the object and the peer, after aborting the partial copy
   */
  public Future<Void> pull(String host, int port, ObjectId id, ObjectStore into, boolean primary) {
    return pull(null, host, port, id, into, primary);
  }

  /**
   * As {@link #pull(String, int, ObjectId, ObjectStore, boolean)}, from node {@code peer}:
   * {@link #cancelPullsFrom} fails it if that node leaves.
   */
  public Future<Void> pull(UniqueId peer, String host, int port, ObjectId id, ObjectStore into,
      boolean primary) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(into, "into");
    checkPort(port);
    Pull pull = new Pull(into, id);
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    Future<Void> joined = Future.fromCompletionStage(outcome, context);
    Future<Void> running = inProgress.putIfAbsent(pull, joined);
    if (running != null) {
      return running;
    }
    ObjectReceiver receiver = new ObjectReceiver(host, port, id, handshake, tls, self, deadlines);
    // Forgotten before it completes, so no one joins a finished pull.
    run(new Running(peer), id, host + ":" + port, () -> {
      receiver.pull(into, primary);
      receivedBytes.add(receiver.receivedBytes());
      return null;
    }, outcome, () -> inProgress.remove(pull));
    return joined;
  }

  /**
   * Reads object {@code id} from node {@code peer}, serving objects at {@code host:port}, straight
   * into an array of this JVM's heap that {@code into} chooses, keeping no copy in any store here:
   * one copy after the socket's, for a reader that wants the value and not a cached copy. Each
   * read is a transfer of its own (reads join no pull).
   *
   * <p>Cancelling the future ends the read (a reader that gave up), as {@link #cancelPullsFrom}
   * does when {@code peer} leaves; it completes on the transfer thread, so a caller that blocks
   * on it (never an event loop) wakes without a hop.
   *
   * @return the array {@code into} chose, filled; fails with an {@link ObjectTransferException}
   *     naming the object and the peer
   */
  public CompletableFuture<byte[]> read(UniqueId peer, String host, int port, ObjectId id,
      HeapDestination into) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(into, "into");
    checkPort(port);
    CompletableFuture<byte[]> outcome = new CompletableFuture<>();
    Running run = new Running(peer);
    outcome.whenComplete((v, e) -> {
      if (outcome.isCancelled()) {
        run.cancel("its reader gave up");
      }
    });
    ObjectReceiver receiver = new ObjectReceiver(host, port, id, handshake, tls, self, deadlines);
    run(run, id, host + ":" + port, () -> {
      byte[] value = receiver.read(into);
      receivedBytes.add(receiver.receivedBytes());
      return value;
    }, outcome, () -> { });
    return outcome;
  }

  private static void checkPort(int port) {
    if (port <= 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
  }

  /**
   * Runs {@code transfer} on a transfer thread as {@code run}, cancellable while it is listed;
   * then {@code ended}, then completes {@code outcome} with what it gave or why it failed (any
   * throwable: a future left pending would hang its caller).
   */
  private <T> void run(Running run, ObjectId id, String peerAddress, Supplier<T> transfer,
      CompletableFuture<T> outcome, Runnable ended) {
    try {
      receivers.execute(
          () -> {
            runningTransfers.add(run);
            T value = null;
            Throwable failure = null;
            try {
              if (run.start(Thread.currentThread())) {
                value = transfer.get();
              } else {
                failure = new ObjectTransferException(id, peerAddress, "not started", false, null);
              }
            } catch (Throwable e) {
              failure = e;
            } finally {
              runningTransfers.remove(run);
            }
            String cancelled = run.end();
            if (cancelled != null && failure != null) {
              failure = new ObjectTransferException(id, peerAddress, "cancelled: " + cancelled,
                  false, failure);
            }
            ended.run();
            if (failure == null) {
              outcome.complete(value);
            } else {
              outcome.completeExceptionally(failure);
            }
          });
    } catch (RejectedExecutionException e) {
      ended.run();
      outcome.completeExceptionally(
          new ObjectTransferException(id, peerAddress, "the client is closed", false, e));
    }
  }

  /**
   * Fails the pulls in progress from node {@code peer} (it left the cluster), aborting their
   * partial copies, instead of waiting for their deadlines.
   */
  public void cancelPullsFrom(UniqueId peer, String why) {
    Objects.requireNonNull(peer, "peer");
    for (Running r : runningTransfers) {
      if (peer.equals(r.peer)) {
        r.cancel(why);
      }
    }
  }

  /** Interrupts the pulls in progress, which fail, and completes once they have let go. */
  public Future<Void> close() {
    receivers.shutdownNow();
    return vertx.executeBlocking(
        () -> {
          receivers.awaitTermination(30, TimeUnit.SECONDS);
          deadlines.close();
          return null;
        },
        false);
  }

  /** Bytes of objects this client has pulled or read whole since it started. Thread-safe. */
  public long receivedBytes() {
    return receivedBytes.sum();
  }
}
