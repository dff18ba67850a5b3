package dev.jray.link;

import dev.jray.gcs.time.Time;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes deferred frames that their thread did not flush within {@link #DELAY_NANOS} (it went on
 * with something else without blocking, or it never flushes, as the reference tracker). Threads
 * that send flush themselves before they block or idle, so this is a backstop: its thread sleeps
 * until the oldest deferred frame is due. While sends keep coming (within {@link #WARM_NANOS}) it
 * wakes once per {@link #DELAY_NANOS} on its own, so a sender never has to wake it: waking it for
 * each deferred frame of a sync call cost the sender an unpark and the machine two wake-ups per
 * millisecond. Idle for longer, it parks until the next deferred frame. A short tick would cost a
 * wake-up every few microseconds of a stream of sends, CPU the senders and readers need on a
 * small machine.
 *
 * <p>Threading: thread-safe; {@link #watch} never blocks. Its one thread reads the clock through
 * the injected {@link Time} (the writers stamp deferred frames with it) but parks on the real
 * one: a manual clock moves only when its test moves it.
 */
final class LinkFlusher implements AutoCloseable {
  static final long DELAY_NANOS = 1_000_000;
  /** How long after the last deferred frame the thread keeps waking on its own. */
  static final long WARM_NANOS = 50_000_000;

  private final Time time;
  private final ConcurrentLinkedQueue<LinkWriter> waiting = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean closed;

  LinkFlusher(Time time) {
    this.time = time;
    thread = new Thread(this::run, "jray-link-flush");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches a writer that holds deferred frames. Never blocks. */
  void watch(LinkWriter writer) {
    if (writer.flushScheduled) {
      return;
    }
    writer.flushScheduled = true;
    waiting.add(writer);
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    long lastWatched = 0;
    while (!closed) {
      long now = time.nanoseconds();
      long nextDue = Long.MAX_VALUE;
      if (!waiting.isEmpty()) {
        lastWatched = now;
      }
      for (Iterator<LinkWriter> it = waiting.iterator(); it.hasNext(); ) {
        LinkWriter w = it.next();
        long since = w.deferredSince();
        if (since == 0 || now - since >= DELAY_NANOS) {
          it.remove();
          w.flushScheduled = false;
          w.flush(); // a frame deferred after the flag was cleared is watched again
        } else {
          nextDue = Math.min(nextDue, since + DELAY_NANOS);
        }
      }
      if (nextDue != Long.MAX_VALUE) {
        LockSupport.parkNanos(this, nextDue - now); // writers watched meanwhile are due later
      } else if (now - lastWatched < WARM_NANOS) {
        // writers watched meanwhile wait up to twice the delay: a backstop's bound, not a sender's
        LockSupport.parkNanos(this, DELAY_NANOS);
      } else {
        parked = true;
        if (waiting.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        parked = false;
      }
    }
  }

  /** Whether its thread parks until the next deferred frame: it has been idle, not warm. */
  boolean idle() {
    return parked;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
