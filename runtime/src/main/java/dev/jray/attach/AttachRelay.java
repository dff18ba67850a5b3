package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages.GcsSubscribe;
import dev.jray.attach.AttachMessages.GcsUnsubscribe;
import dev.jray.attach.AttachMessages.MembersChanged;
import dev.jray.attach.AttachMessages.NodeLeft;
import dev.jray.attach.AttachMessages.ToHost;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.cluster.Membership;
import dev.jray.link.NodeLinks;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host node's side of its attached processes' GCS and membership: it answers their GCS calls
 * against the node's own {@link Gcs} ({@link RelayedCalls}), relays the changes of the tables they
 * subscribed to ({@link RelayedTable}: the host listens to each table once, for all of them), and
 * forwards the node's {@link Membership}: members leaving and joining are pushed to every attached
 * process, and their queries answered. What it pushes to a process arrives in the order the host
 * saw it (one queue per process, {@link AttachedProcess}).
 *
 * <p>It knows a process from {@link #attached} or from the process's first message, and forgets it
 * at {@link #processGone}: a gone process's later messages are refused. It holds at most {@link
 * #MAX_PROCESSES} processes and, per process, {@code maxSubscriptionsPerProcess} subscriptions
 * and {@link #MAX_CALLS_IN_FLIGHT} calls waiting for their answer.
 *
 * <p>Threading: thread-safe. {@link #onMessage} is called on the link's reader thread and never
 * blocks: the GCS calls (which block on Hazelcast) and the first listen to a table run on the
 * executor given, as do the pushes; membership listeners only queue. {@link #attached}, {@link
 * #processGone} and {@link #close} never block either.
 */
public final class AttachRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttachRelay.class);
  /** Subscriptions one process may hold by default: far more than a worker's few listeners. */
  public static final int MAX_SUBSCRIPTIONS_PER_PROCESS = 1024;
  /** Calls of one process the host runs or queues at once; more are refused. */
  static final int MAX_CALLS_IN_FLIGHT = 256;
  /** Attached processes a host holds at most. */
  static final int MAX_PROCESSES = 4096;
  /** Gone processes remembered, so that their late messages are refused. */
  private static final int GONE_REMEMBERED = 4096;

  private final Executor executor;
  private final BiConsumer<UniqueId, Object> sendToProcess;
  private final int maxSubscriptionsPerProcess;
  private final RelayedCalls calls;
  private final Map<GcsTableName, RelayedTable> tables = new EnumMap<>(GcsTableName.class);
  private final ConcurrentHashMap<UniqueId, AttachedProcess> processes = new ConcurrentHashMap<>();
  /** Processes gone, the latest {@link #GONE_REMEMBERED}; guarded by itself. */
  private final Map<UniqueId, Boolean> gone = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UniqueId, Boolean> eldest) {
      return size() > GONE_REMEMBERED;
    }
  };
  private final List<Membership.Registration> membershipListeners;
  private volatile boolean closed;

  /**
   * Subscribes to {@code membership} at once.
   *
   * @param gcs the host node's GCS, which the processes' calls go to
   * @param membership the host node's membership, forwarded to the processes
   * @param executor runs the GCS calls (which may block) and the pushes; a pool of a few threads
   * @param sendToProcess sends a message to an attached process over the link ({@code
   *     links::send}); may block while the process's socket is full (on an executor thread)
   */
  public AttachRelay(Gcs gcs, Membership membership, Executor executor,
      BiConsumer<UniqueId, Object> sendToProcess) {
    this(gcs, membership, executor, sendToProcess, MAX_SUBSCRIPTIONS_PER_PROCESS);
  }

  AttachRelay(Gcs gcs, Membership membership, Executor executor,
      BiConsumer<UniqueId, Object> sendToProcess, int maxSubscriptionsPerProcess) {
    Objects.requireNonNull(gcs, "gcs");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.sendToProcess = Objects.requireNonNull(sendToProcess, "sendToProcess");
    this.maxSubscriptionsPerProcess = maxSubscriptionsPerProcess;
    this.calls = new RelayedCalls(gcs, membership);
    for (GcsTableName t : GcsTableName.values()) {
      tables.put(t, new RelayedTable(t, gcs, executor));
    }
    this.membershipListeners = List.of(
        membership.onNodeLeft(node -> pushToAll(new NodeLeft(node))),
        membership.onMembersChanged(() -> pushToAll(new MembersChanged())));
  }

  /**
   * Handles a message from an attached process, if it is one of the relay's: chain it in the
   * node's link inbox. Called on the link's reader thread; never blocks.
   *
   * @return false for a message that is not the relay's (left to the inbox's other handlers)
   */
  public boolean onMessage(UniqueId from, Object message, NodeLinks.Reply reply) {
    if (!(message instanceof ToHost request)) {
      return false;
    }
    AttachedProcess process = process(from);
    if (process == null) {
      refuse(reply, "the host refused " + message.getClass().getSimpleName() + " from " + from
          + ": " + (closed ? "its relay is closed" : isGone(from) ? "the process is gone"
          : "it holds " + MAX_PROCESSES + " attached processes already"));
      return true;
    }
    if (request instanceof GcsUnsubscribe u) {
      unsubscribe(process, u.subscription());
    } else if (request instanceof GcsSubscribe s) {
      subscribe(process, s, reply);
    } else if (reply == null) {
      LOG.debug("process {} sent a {} one-way: a request needs an answer", from, message);
    } else if (process.callsInFlight.incrementAndGet() > MAX_CALLS_IN_FLIGHT) {
      process.callsInFlight.decrementAndGet();
      refuse(reply, "the host refused " + message.getClass().getSimpleName() + ": process " + from
          + " has " + MAX_CALLS_IN_FLIGHT + " calls in flight already");
    } else {
      try {
        executor.execute(() -> {
          try {
            calls.answer(process, request, reply);
          } finally {
            process.callsInFlight.decrementAndGet();
          }
        });
      } catch (RejectedExecutionException e) {
        process.callsInFlight.decrementAndGet();
        refuse(reply, "the host is stopping: " + message.getClass().getSimpleName() + " refused");
      }
    }
    return true;
  }

  /** A process the node started: pushes go to it from now on. Idempotent. */
  public void attached(UniqueId process) {
    synchronized (gone) {
      gone.remove(process); // told so by the node itself
    }
    process(process);
  }

  /**
   * A process ended: its subscriptions are dropped, nothing more is pushed to it, and its later
   * messages are refused. Idempotent.
   */
  public void processGone(UniqueId process) {
    synchronized (gone) {
      gone.put(process, Boolean.TRUE);
    }
    AttachedProcess p = processes.remove(process);
    if (p != null) {
      p.gone();
      dropSubscriptions(p);
    }
  }

  /** Stops relaying: listeners of the host's tables and membership stop; processes are dropped. */
  @Override
  public void close() {
    closed = true;
    membershipListeners.forEach(Membership.Registration::cancel);
    tables.values().forEach(RelayedTable::close);
    for (AttachedProcess p : processes.values()) {
      p.gone();
    }
    processes.clear();
  }

  /** The process, learned now if it is new; null if it is gone, or too many are attached. */
  private AttachedProcess process(UniqueId id) {
    AttachedProcess p = processes.get(id);
    if (p != null || closed || isGone(id)) {
      return p;
    }
    if (processes.size() >= MAX_PROCESSES) {
      LOG.warn("{} attached processes on this node already: process {} refused", MAX_PROCESSES, id);
      return null;
    }
    p = processes.computeIfAbsent(id, k -> new AttachedProcess(k, executor, sendToProcess));
    if (isGone(id) && processes.remove(id, p)) { // gone meanwhile: processGone may have missed it
      p.gone();
      return null;
    }
    return p;
  }

  private boolean isGone(UniqueId id) {
    synchronized (gone) {
      return gone.containsKey(id);
    }
  }

  /** On the process's reader thread: subscriptions of one process change in its order. */
  private void subscribe(AttachedProcess process, GcsSubscribe s, NodeLinks.Reply reply) {
    String what = "GCS " + (s.table() == null ? "?" : s.table().label()) + ".listen";
    if (s.table() == null) {
      refuse(reply, what + " names no table");
      return;
    }
    if (process.subscriptions.size() >= maxSubscriptionsPerProcess) {
      refuse(reply, what + " refused: process " + process.id + " holds "
          + maxSubscriptionsPerProcess + " subscriptions already");
      return;
    }
    if (process.subscriptions.putIfAbsent(s.subscription(), s.table()) != null) {
      refuse(reply, what + " refused: subscription " + s.subscription() + " exists already");
      return;
    }
    RelayedTable table = tables.get(s.table());
    table.subscribe(process, s.subscription()).whenComplete((v, e) -> {
      if (e != null) {
        unsubscribe(process, s.subscription());
        refuse(reply, what + " failed on the host: " + rootMessage(e));
      } else if (reply != null) {
        reply.ok(new AttachMessages.Ack());
      }
    });
    if (process.isGone()) { // processGone ran meanwhile and may have missed this one
      unsubscribe(process, s.subscription());
    }
  }

  private void unsubscribe(AttachedProcess process, long subscription) {
    GcsTableName t = process.subscriptions.remove(subscription);
    if (t != null) {
      tables.get(t).unsubscribe(process, subscription);
    }
  }

  private void dropSubscriptions(AttachedProcess p) {
    for (Long id : List.copyOf(p.subscriptions.keySet())) {
      unsubscribe(p, id);
    }
  }

  private void pushToAll(Object message) {
    for (AttachedProcess p : processes.values()) {
      p.push(message);
    }
  }

  private static void refuse(NodeLinks.Reply reply, String why) {
    LOG.debug(why);
    if (reply != null) {
      reply.fail(why);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** Subscriptions the host holds for {@code process}, for tests. */
  int subscriptionCount(UniqueId process) {
    AttachedProcess p = processes.get(process);
    return p == null ? 0 : p.subscriptions.size();
  }

  /** Subscribers to {@code table} across processes, for tests. */
  int subscriberCount(GcsTableName table) {
    return tables.get(table).subscriberCount();
  }
}
