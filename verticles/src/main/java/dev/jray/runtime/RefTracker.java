package dev.jray.runtime;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls {@link TrackedRef#released()} for each tracked object the GC collected, on one daemon
 * thread that drains its queue in batches. Cheaper than a {@code Cleaner} per ref: no lambda,
 * and the set that keeps tracked refs reachable is striped by thread instead of one global lock.
 */
final class RefTracker {
  private static final Logger LOG = Logger.getLogger(RefTracker.class.getName());
  static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
  /** Power of two; threads pick a stripe by id, so concurrent creators rarely share one. */
  private static final Stripe[] STRIPES = new Stripe[16];

  /** A doubly linked list of tracked refs under its own lock. */
  static final class Stripe {
    private TrackedRef first;

    synchronized void add(TrackedRef r) {
      r.stripe = this;
      r.next = first;
      if (first != null) {
        first.prev = r;
      }
      first = r;
    }

    synchronized void remove(TrackedRef r) {
      if (r.prev == null) {
        first = r.next;
      } else {
        r.prev.next = r.next;
      }
      if (r.next != null) {
        r.next.prev = r.prev;
      }
      r.prev = null;
      r.next = null;
    }
  }

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new Stripe();
    }
    Thread t = new Thread(RefTracker::drain, "jray-ref-tracker");
    t.setDaemon(true);
    t.start();
  }

  private RefTracker() {}

  static void track(TrackedRef r) {
    STRIPES[(int) Thread.currentThread().getId() & (STRIPES.length - 1)].add(r);
  }

  private static void drain() {
    while (true) {
      Reference<?> r;
      try {
        r = QUEUE.remove();
      } catch (InterruptedException e) {
        continue; // a daemon for the JVM's life: nothing asks it to stop
      }
      for (; r != null; r = QUEUE.poll()) {
        TrackedRef t = (TrackedRef) r;
        t.stripe.remove(t);
        try {
          t.released();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "releasing a collected ObjectRef", e);
        }
      }
    }
  }
}
