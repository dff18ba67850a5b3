package dev.jray.link;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes deferred frames that their thread did not flush within {@link #DELAY_NANOS} (it went on
 * with something else without blocking, or it never flushes, as the reference tracker). Threads
 * that send flush themselves before they block or idle, so this is a backstop: its thread sleeps
 * until the oldest deferred frame is due, and parks while nothing is deferred. A short tick would
 * cost a wake-up every few microseconds of a stream of sends, which on a small machine is CPU the
 * senders and readers need. Thread-safe.
 */
final class LinkFlusher implements AutoCloseable {
  static final long DELAY_NANOS = 1_000_000;

  private final ConcurrentLinkedQueue<LinkWriter> waiting = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean closed;

  LinkFlusher() {
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
    while (!closed) {
      long now = System.nanoTime();
      long nextDue = Long.MAX_VALUE;
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
      } else {
        parked = true;
        if (waiting.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        parked = false;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
