package dev.jray.runtime;

import java.lang.ref.PhantomReference;

/**
 * Watches one object (an ObjectRef) for collection: once it is unreachable, the {@link
 * RefTracker}'s thread calls {@link #released()}. Held in a slot of a tracker chunk of the
 * thread that made it until then, which keeps it reachable.
 */
abstract class TrackedRef extends PhantomReference<Object> {
  final RefTracker.Chunk chunk;
  final int slot;

  /** Starts tracking {@code referent}. */
  TrackedRef(Object referent) {
    super(referent, RefTracker.QUEUE);
    chunk = RefTracker.chunkOfCurrentThread();
    slot = chunk.add(this);
  }

  /** The watched object was collected; called once, on the tracker thread. Must not block. */
  abstract void released();
}
