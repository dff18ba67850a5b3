package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's view of one attached process: its subscriptions, and the pushes on their way to it.
 * Pushes are queued in the order the host saw what they report, and sent by one executor task at a
 * time, in that order: whoever reports a change (a Hazelcast event thread) never waits for the
 * process's link, and a process that stops reading stalls only its own pushes. At most {@link
 * #MAX_QUEUED} wait; past that they are dropped, with an error logged.
 *
 * <p>Threading: thread-safe. The subscriptions are added and removed on the process's link reader
 * thread ({@link AttachRelay#onMessage}) and cleared by {@link AttachRelay#processGone}; the push
 * queue takes pushes from any thread and is drained by one executor task at a time.
 */
final class AttachedProcess {
  private static final Logger LOG = LoggerFactory.getLogger(AttachedProcess.class);
  /** Pushes waiting for the link at most. */
  static final int MAX_QUEUED = 1 << 16;
  /** Pushes one drain sends before it yields the executor to other work. */
  private static final int DRAIN_BATCH = 256;

  final UniqueId id;
  /** Its calls queued or running on the executor: bounded by the relay. */
  final AtomicInteger callsInFlight = new AtomicInteger();
  /** Its values too big for one frame, on their way in parts either way. */
  final StagedBytes staged = new StagedBytes();
  /** Its subscriptions: the id it chose, to the table subscribed to. */
  final ConcurrentHashMap<Long, GcsTableName> subscriptions = new ConcurrentHashMap<>();
  private final Executor executor;
  private final BiConsumer<UniqueId, Object> sendToProcess;
  private final ConcurrentLinkedQueue<Object> pushes = new ConcurrentLinkedQueue<>();
  /** Pushes in {@link #pushes}: bounded by {@link #MAX_QUEUED}. */
  private final AtomicInteger queued = new AtomicInteger();
  /** Whether a drain task is scheduled or running: at most one at a time keeps the order. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Whether pushes were dropped since the queue last had room (logged once per episode). */
  private final AtomicBoolean overflowed = new AtomicBoolean();
  /** Set once by {@link #gone}: nothing more is pushed or subscribed. */
  private volatile boolean gone;

  AttachedProcess(UniqueId id, Executor executor, BiConsumer<UniqueId, Object> sendToProcess) {
    this.id = Objects.requireNonNull(id, "id");
    this.executor = executor;
    this.sendToProcess = sendToProcess;
  }

  boolean isGone() {
    return gone;
  }

  /** It is gone: its queued pushes are dropped. The caller drops its subscriptions. */
  void gone() {
    gone = true;
    pushes.clear();
    staged.clear();
  }

  /** Queues a push to the process; never blocks. */
  void push(Object message) {
    if (gone) {
      return;
    }
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      if (overflowed.compareAndSet(false, true)) {
        LOG.error("attached process {} has {} pushes waiting for its link: dropping pushes (from"
            + " a {}) until it catches up", id, MAX_QUEUED, message.getClass().getSimpleName());
      }
      return;
    }
    overflowed.set(false);
    pushes.offer(message);
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException stopping) {
      draining.set(false);
      LOG.debug("the relay's executor is stopping: pushes to process {} dropped", id);
    }
  }

  /** Sends queued pushes in order; one such task at a time. */
  private void drain() {
    for (int sent = 0; sent < DRAIN_BATCH; sent++) {
      Object m = pushes.poll();
      if (m == null) {
        break;
      }
      queued.decrementAndGet();
      if (gone) {
        continue;
      }
      try {
        sendToProcess.accept(id, m);
      } catch (RuntimeException e) {
        LOG.warn("could not push a {} to attached process {}: {}", m.getClass().getSimpleName(),
            id, e.toString());
      }
    }
    draining.set(false);
    if (!pushes.isEmpty()) {
      scheduleDrain(); // more came meanwhile, or the batch was full
    }
  }

  /** Pushes waiting, for tests. */
  int queued() {
    return queued.get();
  }
}
