package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages;
import dev.jray.attach.BusBridge;
import dev.jray.attach.HostChannel;
import dev.jray.attach.HostGcs;
import dev.jray.attach.HostMembership;
import dev.jray.attach.HostPushes;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which member an attached process's host requests go to, and, for a movable process (a driver
 * started by hand, {@link NodeRecord#movable}), its move to another member when its host dies:
 * as a member driver outlives any one node, so does a driver attached to one. The move finds a
 * live member among those it last knew (their link addresses, kept while the host lived), makes
 * it the host, records the new host in its node record (which every member's membership reads:
 * the cluster counts it live again, and the leader waits {@link LeaderDuties#MOVER_GRACE} before
 * counting it dead), and sets up there again what it had at the old host: its GCS subscriptions
 * (with the tables' present entries, for what changed meanwhile), its event-bus consumers, and the
 * departures the old host can no longer tell. A request that failed because the link to the old
 * host did is sent again to the new one, once; one-way messages sent during the move are lost.
 *
 * <p>Threading: thread-safe. {@link #lost} and the channel never block; a move runs on a thread of
 * its own ({@code jray-host-failover}) and blocks on the new host. The host, the move's future and
 * its state are guarded by this; the members' addresses are a concurrent map the listener thread
 * refreshes.
 */
final class HostFailover {
  private static final Logger LOG = LoggerFactory.getLogger(HostFailover.class);
  /** How long a move looks for a member that answers: well within the leader's grace. */
  static final Duration MOVE_WITHIN = Duration.ofSeconds(7);
  /** How long one member may take to answer the move's first request. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** What a move sets up again at the new host; set once by {@link #bind}, before any move. */
  record Parts(NodeLinks links, HostPushes pushes, HostGcs gcs, HostMembership membership,
      BusBridge bridge, Supplier<Collection<UniqueId>> knownNodes, Runnable afterMove,
      NodeFence fence) {}

  private final UniqueId self;
  private final boolean movable;
  private final Time time;
  /** Members' link addresses, by node id: the host's at first, then every member's. */
  private final Map<UniqueId, InetSocketAddress> members = new ConcurrentHashMap<>();
  private volatile Parts parts;
  /** Guarded by this: the member requests go to. */
  private UniqueId host;
  /** Guarded by this: completes with the host once the process hangs off it. */
  private CompletableFuture<UniqueId> ready;
  /** Guarded by this: the thread of the move under way, or null. */
  private Thread mover;
  /** Guarded by this: run once if a move fails (the process lost the cluster). */
  private Runnable onGiveUp = () -> {};
  /** Guarded by this: the process is closing; its links going down is no reason to move. */
  private boolean closed;
  /**
   * Guarded by this: the host was lost right after this JVM was paused, and its fence is finding
   * out whether the cluster dropped it; requests fail at once meanwhile (the fence's own too).
   */
  private boolean deferring;

  HostFailover(UniqueId self, UniqueId host, InetSocketAddress hostLink, boolean movable,
      Time time) {
    this.self = Objects.requireNonNull(self, "self");
    this.host = Objects.requireNonNull(host, "host");
    this.movable = movable;
    this.time = Objects.requireNonNull(time, "time");
    this.ready = CompletableFuture.completedFuture(host);
    members.put(host, hostLink);
  }

  boolean movable() {
    return movable;
  }

  synchronized UniqueId host() {
    return host;
  }

  /** The link address of {@code node} if it is a member this process knows; else null. */
  InetSocketAddress memberLink(UniqueId node) {
    return members.get(node);
  }

  /** The channel to whichever member is the host: a request the link lost goes once more. */
  HostChannel channel(Supplier<NodeLinks> links) {
    return new HostChannel() {
      @Override
      public CompletableFuture<Object> request(Object message) {
        UniqueId to = host();
        return links.get().request(to, message).exceptionallyCompose(e -> {
          if (!movable || !(rootCause(e) instanceof NodeLinks.LinkFailed) || onMover()) {
            return CompletableFuture.failedFuture(e);
          }
          return lost(to).thenCompose(next -> links.get().request(next, message));
        });
      }

      @Override
      public void send(Object message) {
        links.get().send(host(), message);
        links.get().flushCurrentThread();
      }
    };
  }

  /**
   * Sends the host a {@link AttachMessages.Heartbeat} every {@link
   * AttachMessages#HEARTBEAT_EVERY} on a thread of its own, until {@link #close}: a process it does
   * not hear from for the failure detection is gone for the cluster.
   */
  void startHeartbeats(HostChannel channel) {
    Thread beats = new Thread(() -> {
      while (!isClosed()) {
        try {
          channel.send(new AttachMessages.Heartbeat());
        } catch (RuntimeException e) {
          LOG.debug("a heartbeat to the host was not sent: {}", e.toString());
        }
        time.park(AttachMessages.HEARTBEAT_EVERY.toNanos());
      }
    }, "jray-host-heartbeats");
    beats.setDaemon(true);
    beats.start();
  }

  /**
   * What a move sets up again; the members it may move to are read through the host on the
   * pushes' listener thread, now and at each change of members. Never blocks.
   */
  void bind(Parts p) {
    parts = Objects.requireNonNull(p, "parts");
    if (movable) {
      p.membership().onMembersChanged(this::refreshMembers);
      p.pushes().runOnListenerThread(this::refreshMembers);
    }
  }

  /** Runs {@code action} once if a move fails. */
  synchronized void whenGivenUp(Runnable action) {
    onGiveUp = Objects.requireNonNull(action, "action");
  }

  /**
   * The link to {@code failed} broke: if it is the host, a move starts (once). Never blocks.
   *
   * @return completes with the host to use from now on, or fails if the move did
   */
  synchronized CompletableFuture<UniqueId> lost(UniqueId failed) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("this process is closing"));
    }
    if (deferring) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host was lost after a"
          + " pause: the cluster may have dropped this process"));
    }
    if (!movable || !failed.equals(host) || mover != null) {
      return ready;
    }
    CompletableFuture<UniqueId> next = new CompletableFuture<>();
    ready = next;
    mover = new Thread(() -> move(failed, next), "jray-host-failover");
    mover.setDaemon(true);
    mover.start();
    return next;
  }

  /** The process closes: no move from now on, and none under way goes on. */
  synchronized void close() {
    closed = true;
    onGiveUp = () -> {};
    if (mover != null) {
      mover.interrupt();
    }
  }

  private synchronized boolean onMover() {
    return Thread.currentThread() == mover;
  }

  private void move(UniqueId failed, CompletableFuture<UniqueId> next) {
    Parts p = parts;
    members.remove(failed);
    if (p != null && droppedWhilePaused(p.fence())) {
      next.completeExceptionally(new IllegalStateException("the cluster dropped this process"
          + " while it was paused"));
      return; // its fence cut it off: no move, no second message
    }
    UniqueId chosen = p == null ? null : firstToAnswer(p.links());
    if (chosen == null) {
      giveUp(next, "node " + failed + ", its host, is gone and no other member it knew ("
          + members.keySet() + ") answered within " + MOVE_WITHIN.toSeconds() + " s");
      return;
    }
    synchronized (this) {
      host = chosen;
    }
    p.pushes().moveTo(chosen);
    try {
      NodeRecord after = p.gcs().nodes().update(self,
          r -> r.alive() ? r.movedTo(chosen) : r);
      if (after == null || !after.alive()) {
        giveUp(next, "node " + failed + ", its host, is gone, and the cluster counted this"
            + " process dead before it reached node " + chosen);
        return;
      }
      p.gcs().moved();
      Set<UniqueId> known = new LinkedHashSet<>(p.knownNodes().get());
      known.add(failed);
      p.membership().moved(known);
      p.bridge().moved().toCompletionStage().toCompletableFuture()
          .get(AttachedNode.HOST_REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      p.afterMove().run();
    } catch (Exception e) {
      giveUp(next, "node " + failed + ", its host, is gone, and moving to node " + chosen
          + " failed: " + rootCause(e));
      return;
    }
    synchronized (this) {
      mover = null;
    }
    LOG.info("node {}, which this process hung off, is gone: it hangs off node {} now", failed,
        chosen);
    next.complete(chosen);
  }

  /**
   * Whether the host was lost because the cluster dropped this process while its JVM was paused
   * (its host closed the link): if the fence suspects a pause, the move waits for its verdict.
   */
  private boolean droppedWhilePaused(NodeFence fence) {
    if (fence == null || fence.trusted()) {
      return false;
    }
    synchronized (this) {
      deferring = true;
    }
    try {
      while (fence.suspect() && !isClosed()) {
        time.park(RETRY_PAUSE_NANOS);
      }
      return fence.fenced();
    } finally {
      synchronized (this) {
        deferring = false;
      }
    }
  }

  /** The first member that answers a request, trying each in turn until {@link #MOVE_WITHIN}. */
  private UniqueId firstToAnswer(NodeLinks links) {
    long deadline = time.nanoseconds() + MOVE_WITHIN.toNanos();
    while (time.nanoseconds() - deadline < 0 && !isClosed()) {
      for (UniqueId candidate : List.copyOf(members.keySet())) {
        try {
          links.request(candidate, new AttachMessages.MembershipQuery())
              .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          return candidate;
        } catch (Exception e) {
          LOG.debug("member {} did not take this process: {}", candidate, rootCause(e).toString());
        }
      }
      time.park(RETRY_PAUSE_NANOS);
    }
    return null;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void giveUp(CompletableFuture<UniqueId> next, String why) {
    Runnable action;
    boolean closing;
    synchronized (this) {
      action = onGiveUp;
      onGiveUp = () -> {};
      closing = closed;
    }
    if (closing) {
      LOG.debug("closing: {}", why);
    } else {
      LOG.warn(why);
    }
    next.completeExceptionally(new IllegalStateException(why));
    action.run();
  }

  /** Reads the members' link addresses from the GCS; on the listener thread (or at bind). */
  private void refreshMembers() {
    Parts p = parts;
    try {
      Map<UniqueId, NodeRecord> nodes = p.gcs().nodes().snapshot();
      nodes.forEach((id, r) -> {
        if (r.alive() && !r.attached() && r.runsTasks() && r.linkPort() > 0) {
          members.put(id, new InetSocketAddress(r.address(), r.linkPort()));
        } else {
          members.remove(id);
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("could not read the members' addresses: {}", e.toString());
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && !(t instanceof NodeLinks.LinkFailed)) {
      t = t.getCause();
    }
    return t;
  }
}
