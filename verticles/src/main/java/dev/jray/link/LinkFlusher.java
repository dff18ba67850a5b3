package dev.jray.link;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes deferred frames that their thread did not flush within {@link #DELAY_NANOS} (it went on
 * with something else without blocking, or it never flushes, as the Cleaner). Its thread ticks
 * only while frames were deferred in the last {@link #IDLE_NANOS}, and parks otherwise, as the
 * worker's task starter does. Thread-safe.
 */
final class LinkFlusher implements AutoCloseable {
  private static final long DELAY_NANOS = 100_000;
  private static final long TICK_NANOS = 50_000;
  private static final long IDLE_NANOS = 20_000_000;

  private final ConcurrentLinkedQueue<LinkWriter> waiting = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean closed;

  LinkFlusher() {
    thread = new Thread(this::tick, "jray-link-flush");
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

  private void tick() {
    long busySince = System.nanoTime();
    while (!closed) {
      long now = System.nanoTime();
      for (Iterator<LinkWriter> it = waiting.iterator(); it.hasNext(); ) {
        LinkWriter w = it.next();
        long since = w.deferredSince();
        if (since == 0 || now - since >= DELAY_NANOS) {
          it.remove();
          w.flushScheduled = false;
          w.flush(); // a frame deferred after the flag was cleared is watched again
        }
      }
      if (!waiting.isEmpty()) {
        busySince = now;
        LockSupport.parkNanos(TICK_NANOS);
      } else if (now - busySince < IDLE_NANOS) {
        LockSupport.parkNanos(TICK_NANOS);
      } else {
        parked = true;
        if (waiting.isEmpty() && !closed) {
          LockSupport.park();
        }
        parked = false;
        busySince = System.nanoTime();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
