package dev.jray.gcs.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, or when someone {@linkplain #park parks} on it (which
 * advances it by the time asked): a test sees a 30 s timeout pass without waiting 30 s.
 *
 * <p>Threading: thread-safe; both clocks move together.
 */
public final class ManualTime implements Time {
  private final AtomicLong nanos = new AtomicLong();
  private final long epochMillis;

  /** Starts at {@code epochMillis} on the wall clock and 0 on the monotonic one. */
  public ManualTime(long epochMillis) {
    this.epochMillis = epochMillis;
  }

  public ManualTime() {
    this(1_700_000_000_000L);
  }

  /** Moves both clocks forward. */
  public ManualTime advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + by);
    }
    nanos.addAndGet(by.toNanos());
    return this;
  }

  @Override
  public long milliseconds() {
    return epochMillis + nanos.get() / 1_000_000;
  }

  @Override
  public long nanoseconds() {
    return nanos.get();
  }

  /** Advances the clock by {@code nanos} and yields, so other threads see the new time. */
  @Override
  public void park(long nanos) {
    this.nanos.addAndGet(Math.max(0, nanos));
    Thread.yield();
  }

  @Override
  public String toString() {
    return "ManualTime(" + Duration.ofNanos(nanos.get()) + ")";
  }
}
