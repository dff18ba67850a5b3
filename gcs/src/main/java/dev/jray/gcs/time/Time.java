package dev.jray.gcs.time;

import java.util.concurrent.locks.LockSupport;

/**
 * The clock the runtime reads, injected wherever it waits, times out or stamps a record, as
 * Kafka's {@code Time}: {@link #SYSTEM} in production, a {@link ManualTime} in tests, which
 * then never sleep to see a timeout pass.
 *
 * <p>Threading: implementations are thread-safe.
 */
public interface Time {
  /** The JVM's clocks. */
  Time SYSTEM = new Time() {
    @Override
    public long milliseconds() {
      return System.currentTimeMillis();
    }

    @Override
    public long nanoseconds() {
      return System.nanoTime();
    }

    @Override
    public void park(long nanos) {
      LockSupport.parkNanos(nanos);
    }

    @Override
    public String toString() {
      return "Time.SYSTEM";
    }
  };

  /** Wall-clock milliseconds since the epoch: for records and reports, never for deadlines. */
  long milliseconds();

  /** A monotonic clock: for deadlines and durations. */
  long nanoseconds();

  /**
   * Waits about {@code nanos} (a manual clock advances instead); returns early on an interrupt or
   * an unpark, as {@link LockSupport#parkNanos(long)}, so callers re-check what they wait for.
   */
  void park(long nanos);
}
