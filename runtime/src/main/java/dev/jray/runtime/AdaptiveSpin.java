package dev.jray.runtime;

import java.util.function.BooleanSupplier;

/**
 * Spins before a thread parks: what it waits for often comes sooner than a parked thread wakes
 * up (~20 µs here). Ten microseconds at first; a thread whose last wait was short (a sync loop of
 * calls to another node, ~100 µs a round trip) spins that long again and half as much more,
 * yielding its core after the first ten so the threads that bring what it waits for can run.
 * Waits longer than {@link #MAX_SPIN_NANOS} are not worth a core: those park after ten.
 *
 * <p>It reads the CPU's clock, not an injected {@code Time}: a spin budget is CPU time burnt
 * now, and a manual clock that never moves would make it spin for ever; timeouts are the
 * callers' (on their {@code Time}).
 *
 * <p>Owned by one thread: each waiting thread has its own.
 */
final class AdaptiveSpin {
  static final long SPIN_NANOS = 10_000;
  static final long MAX_SPIN_NANOS = 200_000;

  private long waitStart;
  private long lastWait;

  /**
   * Starts a wait and spins until {@code done} or the spin budget is spent.
   *
   * @return true if done (the wait is over and recorded); false: park, then call {@link #ended}
   */
  boolean spinUntil(BooleanSupplier done) {
    long start = System.nanoTime();
    waitStart = start;
    long last = lastWait;
    long budget = last > SPIN_NANOS && last < MAX_SPIN_NANOS ? last + last / 2 : SPIN_NANOS;
    while (!done.getAsBoolean()) {
      long spun = System.nanoTime() - start;
      if (spun >= budget) {
        return false;
      }
      if (spun < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    lastWait = System.nanoTime() - start;
    return true;
  }

  /** Ends a wait that parked after {@link #spinUntil} gave up. */
  void ended() {
    lastWait = System.nanoTime() - waitStart;
  }
}
