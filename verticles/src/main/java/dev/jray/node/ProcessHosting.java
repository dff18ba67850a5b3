package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages;
import dev.jray.attach.AttachMessages.Heartbeat;
import dev.jray.attach.AttachRelay;
import dev.jray.attach.BusRelay;
import dev.jray.attach.InboxChain;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.AttachedNodes;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.FailureDetection;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import dev.jray.runtime.CoreWorker;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's side of the processes attached to it (its worker processes, {@link AttachedNode}):
 * its link inbox relays their GCS calls and membership ({@link AttachRelay}) and their event-bus
 * conversations ({@link BusRelay}) through this member, and it tells the cluster when one ended,
 * as Hazelcast would have for a member.
 *
 * <p>The processes' heartbeats ({@link Heartbeat}) are its failure detection of them: one silent
 * for {@link FailureDetection#TIMEOUT} is recorded gone.
 *
 * <p>Threading: the relays run on the links' reader threads and hand blocking GCS work to one
 * thread of their own; {@link #processEnded} is called on the JDK's process reaper thread (or the
 * heartbeat watch's, {@code jray-process-heartbeats}) and never blocks; the last heartbeats are a
 * concurrent map; the worker is set once, before any process starts.
 */
final class ProcessHosting implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessHosting.class);

  private final Gcs gcs;
  /** The host: this member's node. */
  private final UniqueId self;
  private final AttachRelay relay;
  private final BusRelay bus;
  /** The relays' GCS calls and the records of ended processes, off the links' threads. */
  private final ExecutorService blocking;
  /** Sends to the processes; null until {@link #bind}. */
  private volatile CoreWorker worker;
  /** When each attached process was last heard from ({@link Heartbeat}), on {@link #time}. */
  private final ConcurrentHashMap<UniqueId, Long> lastHeard = new ConcurrentHashMap<>();
  private final Time time;
  private volatile boolean closed;

  private ProcessHosting(ClusteredVertx cluster, UniqueId self, Time time) {
    this.gcs = cluster.gcs();
    this.self = self;
    this.time = time;
    this.blocking = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jray-process-hosting");
      t.setDaemon(true);
      return t;
    });
    BiConsumer<UniqueId, Object> toProcess = (process, message) -> {
      CoreWorker w = worker;
      if (w != null) {
        w.send(process, message);
      }
    };
    this.relay = new AttachRelay(gcs, cluster.membership(), blocking, toProcess);
    this.bus = new BusRelay(cluster.vertx(), toProcess);
  }

  /**
   * Puts the relays in front of the links' inbox of the node {@code options} starts next, and
   * starts watching the processes' heartbeats.
   */
  static ProcessHosting register(ClusteredVertx cluster, NodeOptions options, Time time) {
    ProcessHosting hosting = new ProcessHosting(cluster, options.nodeId(), time);
    LocalParts.register(cluster.vertx(), options.nodeId(), InboxChain.class,
        new InboxChain(List.of(hosting::onHeartbeat, hosting.relay::onMessage,
            hosting.bus::onMessage), hosting::linkLost));
    Thread watch = new Thread(hosting::watchHeartbeats, "jray-process-heartbeats");
    watch.setDaemon(true);
    watch.start();
    return hosting;
  }

  /** On a link's reader thread: a process's heartbeat. Never blocks. */
  private boolean onHeartbeat(UniqueId from, Object message, NodeLinks.Reply reply) {
    if (!(message instanceof Heartbeat)) {
      return false;
    }
    lastHeard.put(from, time.nanoseconds());
    return true;
  }

  /**
   * Each heartbeat interval: a process silent for the failure detection (SIGSTOP, a long pause)
   * is recorded gone, as a member that sends no heartbeat is dropped; if it resumes, its fence
   * finds its record dead.
   */
  private void watchHeartbeats() {
    long timeout = FailureDetection.TIMEOUT.toNanos();
    while (!closed) {
      time.park(AttachMessages.HEARTBEAT_EVERY.toNanos());
      long now = time.nanoseconds();
      lastHeard.forEach((process, heard) -> {
        if (now - heard > timeout) {
          endIfHostedHere(process, "no heartbeat for " + (now - heard) / 1_000_000 + " ms", true);
        }
      });
    }
  }

  /** The node's worker, which sends to the processes over its links. Once, before they start. */
  void bind(CoreWorker w) {
    worker = w;
  }

  /** A process ended: its subscriptions go, and the cluster hears it is gone. Never blocks. */
  void processEnded(UniqueId process) {
    lastHeard.remove(process);
    try {
      blocking.execute(() -> {
        relay.processGone(process);
        bus.processGone(process);
        try {
          AttachedNodes.recordGone(gcs, process);
        } catch (RuntimeException e) {
          LOG.warn("could not record that attached process {} ended", process, e);
        }
      });
    } catch (RejectedExecutionException closing) {
      // the node stops: its processes end with it, and its own death covers theirs
    }
  }

  /**
   * A link to or from a node broke: if it is a process attached here (a job's driver: worker
   * processes are seen to end), it ended, as a member's loss says one died. On a link thread.
   */
  private void linkLost(UniqueId node) {
    endIfHostedHere(node, "its link broke", false);
  }

  /**
   * Off the calling thread: {@code node} ended ({@link #processEnded}) if its record says it is
   * alive and hangs off this member; a driver that moved to another member is only forgotten.
   * {@code loud}: said at WARN (a silent process), else at DEBUG (a broken link is routine).
   * Never blocks.
   */
  private void endIfHostedHere(UniqueId node, String why, boolean loud) {
    lastHeard.remove(node);
    try {
      blocking.execute(() -> {
        NodeRecord r = gcs.nodes().get(node);
        if (r != null && r.alive() && self.equals(r.host())) {
          if (loud) {
            LOG.warn("attached process {}: {}; it is gone", node, why);
          } else {
            LOG.debug("attached process {}: {}; it is gone", node, why);
          }
          processEnded(node);
        }
      });
    } catch (RejectedExecutionException closing) {
      // the node stops
    }
  }

  @Override
  public void close() {
    closed = true;
    relay.close();
    bus.close();
    blocking.shutdownNow();
  }
}
