package dev.jray.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.PhantomReference;

/**
 * Watches one object (an ObjectRef) for collection: once it is unreachable, the {@link
 * RefTracker}'s thread calls {@link #released()}, unless {@link #unwatch()} came first. Held in a
 * slot of a tracker chunk of the thread that made it until then, which keeps it reachable.
 */
abstract class TrackedRef extends PhantomReference<Object> {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(TrackedRef.class, "done", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final RefTracker.Chunk chunk;
  final int slot;
  /** Set once, by whichever comes first: the tracker releasing it, or {@link #unwatch}. */
  @SuppressWarnings("unused") // through DONE
  private volatile boolean done;

  /** Starts tracking {@code referent}. */
  TrackedRef(Object referent) {
    super(referent, RefTracker.QUEUE);
    chunk = RefTracker.chunkOfCurrentThread();
    slot = chunk.add(this);
  }

  /**
   * Stops watching, from any thread: {@link #released()} will not be called, and this ref (with
   * what it holds) becomes garbage with its referent instead of surviving the GC that finds it.
   */
  final void unwatch() {
    if (claim()) {
      clear();
      chunk.release(this);
    }
  }

  /** @return true for the one caller that gets to end this watch */
  final boolean claim() {
    return DONE.compareAndSet(this, false, true);
  }

  /** The watched object was collected; called once, on the tracker thread. Must not block. */
  abstract void released();
}
