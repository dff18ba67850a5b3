package dev.jray.runtime;

import java.lang.ref.PhantomReference;

/**
 * Watches one object (an ObjectRef) for collection: once it is unreachable, the {@link
 * RefTracker}'s thread calls {@link #released()}. Linked into a stripe of the tracker while
 * tracked, which keeps it reachable until then.
 */
abstract class TrackedRef extends PhantomReference<Object> {
  /** Links of the tracker stripe that holds it; guarded by that stripe. */
  TrackedRef prev;
  TrackedRef next;
  RefTracker.Stripe stripe;

  /** Starts tracking {@code referent}. */
  TrackedRef(Object referent) {
    super(referent, RefTracker.QUEUE);
    RefTracker.track(this);
  }

  /** The watched object was collected; called once, on the tracker thread. Must not block. */
  abstract void released();
}
