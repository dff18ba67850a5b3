package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.FailureDetection;
import dev.jray.gcs.time.Time;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a broken link to a live node may have lost, recovered after a grace period: longer than
 * the cluster takes to declare a node dead, so that a node that died is recovered by membership
 * alone (its tasks retried once, its actors restarted), and only a node that still lives has what
 * this worker had on it when the link broke recovered here: its normal tasks retried (or failed
 * without retries left), its unanswered actor calls failed. Nothing is silently dropped.
 *
 * <p>Threading: thread-safe; {@link #onLinkLost} and {@link #onNodeDied} never block. The losses
 * wait in a queue guarded by this object's lock, in the order they are due (the grace is fixed);
 * one daemon thread, started with the first loss, recovers them. It reads due times on the
 * injected {@link Time} and, while a loss waits, looks again every {@value #STEP_MILLIS} ms of the
 * real clock, so a test's manual clock is seen when it moves; idle, it waits to be woken.
 */
final class LinkLosses implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkLosses.class);
  /** Longer than the cluster's failure detection, so that a dead node is left to membership. */
  static final long GRACE_NANOS = FailureDetection.TIMEOUT.plusSeconds(2).toNanos();
  /** How often the thread looks at the clock while a loss waits. */
  private static final long STEP_MILLIS = 20;

  /** Recovers one loss; runs on the losses' thread. */
  interface Recovery {
    /**
     * @param tasksUpTo the normal tasks located on {@code node} up to this sequence number were
     *     there when the link broke
     * @param calls the actor calls that were in flight to actors on {@code node}
     */
    void recover(UniqueId node, long tasksUpTo, List<ObjectId> calls);
  }

  private record Loss(UniqueId node, long dueNanos, long tasksUpTo, List<ObjectId> calls) {}

  private final Time time;
  private final Recovery recovery;
  /** Guarded by this; due times increase from head to tail. */
  private final ArrayDeque<Loss> losses = new ArrayDeque<>();
  /** Guarded by this. */
  private Thread thread;
  /** Guarded by this. */
  private boolean closed;

  LinkLosses(Time time, Recovery recovery) {
    this.time = Objects.requireNonNull(time, "time");
    this.recovery = Objects.requireNonNull(recovery, "recovery");
  }

  /** The link to or from {@code node} broke; what it had in flight is recovered after the grace. */
  synchronized void onLinkLost(UniqueId node, long tasksUpTo, List<ObjectId> calls) {
    if (closed) {
      return;
    }
    losses.add(new Loss(node, time.nanoseconds() + GRACE_NANOS, tasksUpTo, List.copyOf(calls)));
    if (thread == null) {
      thread = new Thread(this::run, "jray-link-losses");
      thread.setDaemon(true);
      thread.start();
    }
    notifyAll();
  }

  /** The node died: membership recovers what it had; its pending losses are dropped. */
  synchronized void onNodeDied(UniqueId node) {
    losses.removeIf(l -> l.node().equals(node));
  }

  /** Losses waiting for their grace to pass, for tests. */
  synchronized int waiting() {
    return losses.size();
  }

  private void run() {
    while (true) {
      Loss due;
      synchronized (this) {
        due = losses.peek();
        if (closed) {
          return;
        }
        if (due == null || due.dueNanos() - time.nanoseconds() > 0) {
          try {
            if (due == null) {
              wait(); // idle: woken by the next loss
            } else {
              wait(STEP_MILLIS);
            }
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        losses.poll();
      }
      try {
        recovery.recover(due.node(), due.tasksUpTo(), due.calls());
      } catch (RuntimeException e) {
        LOG.warn("recovering what the link to node " + due.node() + " lost", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    losses.clear();
    notifyAll();
  }
}
