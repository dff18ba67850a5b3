package dev.jray.gcs.time;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition against a deadline on an injected {@link Time}: the one polling loop of
 * the runtime and of the tests. It checks at once, then after 1 ms, doubling to at most 50 ms
 * between checks.
 *
 * <p>Threading: blocks the calling thread (never call it on an event loop).
 */
public final class Await {
  private static final long FIRST_POLL_NANOS = 1_000_000;
  private static final long MAX_POLL_NANOS = 50_000_000;

  private Await() {}

  /**
   * Waits until {@code done} holds or {@code timeout} passes on {@code time}.
   *
   * @return whether it holds (checked once more after the deadline)
   */
  public static boolean until(Time time, Duration timeout, BooleanSupplier done) {
    Objects.requireNonNull(done, "done");
    long deadline = time.nanoseconds() + timeout.toNanos();
    long poll = FIRST_POLL_NANOS;
    while (!done.getAsBoolean()) {
      long left = deadline - time.nanoseconds();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return done.getAsBoolean();
      }
      time.park(Math.min(poll, left));
      poll = Math.min(MAX_POLL_NANOS, poll * 2);
    }
    return true;
  }

  /**
   * Waits on the system clock until {@code done} holds.
   *
   * @param what what is awaited, as the error should name it ("node 2 is dead")
   * @throws IllegalStateException naming {@code what} if it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier done) {
    if (!until(Time.SYSTEM, timeout, done)) {
      throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting until "
          + what);
    }
  }

  /**
   * Waits on the system clock until {@code value} gives a non-null result, and returns it.
   *
   * @throws IllegalStateException naming {@code what} if none comes within {@code timeout}
   */
  public static <T> T value(String what, Duration timeout, Supplier<T> value) {
    Object[] last = new Object[1];
    until(what, timeout, () -> (last[0] = value.get()) != null);
    @SuppressWarnings("unchecked")
    T t = (T) last[0];
    return t;
  }
}
