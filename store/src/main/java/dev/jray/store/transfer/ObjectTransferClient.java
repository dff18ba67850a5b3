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

/**
 * Pulls copies of objects from other nodes' {@link ObjectTransferServer}s into a local {@link
 * ObjectStore}, copying each object from the socket into the memory reserved for it in the store
 * through a small reused direct buffer, so an object never passes through the Java heap.
 *
 * <p>Memory per pull is the object's room in the store, a socket buffer and the transfer thread's
 * 4 MiB direct buffer; TCP flow control stops the peer while the room is being reserved.
 *
 * <p>Each pull opens with the {@link Handshake}: this node proves the cluster token and the peer
 * must prove it too, within the handshake deadline; a peer that then sends nothing for {@link
 * ObjectTransferServer#PROGRESS_TIMEOUT} fails the pull.
 *
 * <p>A pull from a node that leaves the cluster is cancelled ({@link #cancelPullsFrom}); a peer
 * that cannot be reached fails the pull after {@link ObjectReceiver#CONNECT_TIMEOUT}.
 *
 * <p>Thread-safe; {@link #pull} may be called from any thread and never blocks: each pull runs on
 * a transfer thread of its own (from a cached pool of daemon threads), never on an event loop, and
 * its future completes on the caller's Vert.x context (a new one when called from outside Vert.x).
 */
public final class ObjectTransferClient {
  private record Pull(ObjectStore into, ObjectId id) {}

  /**
   * A pull on its transfer thread, cancellable while it runs: its lock orders a cancel's
   * interrupt against the pull's end, so an interrupt never reaches the thread's next pull.
   */
  private static final class Running {
    /** The node pulled from; null if the caller did not name it. */
    final UniqueId peer;
    final Thread thread;
    /** Why it was cancelled, or null; guarded by this. */
    String cancelled;
    /** Guarded by this. */
    boolean ended;

    Running(UniqueId peer, Thread thread) {
      this.peer = peer;
      this.thread = thread;
    }

    synchronized void cancel(String why) {
      if (!ended && cancelled == null) {
        cancelled = why;
        thread.interrupt(); // closes the socket: the receiver fails and aborts its copy
      }
    }

    /** @return why it was cancelled, or null */
    synchronized String end() {
      ended = true;
      Thread.interrupted(); // a cancel's interrupt must not reach the thread's next pull
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
  /** The pulls running on transfer threads, to cancel those from a node that left; concurrent. */
  private final Set<Running> runningPulls = ConcurrentHashMap.newKeySet();

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
    if (port <= 0 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
    Pull pull = new Pull(into, id);
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    Future<Void> joined = Future.fromCompletionStage(outcome, context);
    Future<Void> running = inProgress.putIfAbsent(pull, joined);
    if (running != null) {
      return running;
    }
    ObjectReceiver receiver = new ObjectReceiver(host, port, id, into, primary, handshake, tls,
        self, deadlines);
    try {
      receivers.execute(
          () -> {
            Running run = new Running(peer, Thread.currentThread());
            runningPulls.add(run);
            RuntimeException failure = null;
            try {
              receiver.run();
            } catch (RuntimeException e) {
              failure = e;
            } finally {
              runningPulls.remove(run);
            }
            String cancelled = run.end();
            if (cancelled != null && failure != null) {
              failure = new ObjectTransferException(id, host + ":" + port, "cancelled: " + cancelled,
                  false, failure);
            }
            finish(pull, outcome, failure);
          });
    } catch (RejectedExecutionException e) {
      finish(
          pull,
          outcome,
          new ObjectTransferException(id, host + ":" + port, "the client is closed", false, e));
    }
    return joined;
  }

  private void finish(Pull pull, CompletableFuture<Void> outcome, RuntimeException failure) {
    // Forget the pull before completing it, so no one joins a finished pull.
    inProgress.remove(pull);
    if (failure == null) {
      outcome.complete(null);
    } else {
      outcome.completeExceptionally(failure);
    }
  }

  /**
   * Fails the pulls in progress from node {@code peer} (it left the cluster), aborting their
   * partial copies, instead of waiting for their deadlines.
   */
  public void cancelPullsFrom(UniqueId peer, String why) {
    Objects.requireNonNull(peer, "peer");
    for (Running r : runningPulls) {
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
}
