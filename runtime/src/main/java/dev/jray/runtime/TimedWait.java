package dev.jray.runtime;

import dev.jray.gcs.time.Time;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a future against a deadline on an injected {@link Time}, woken by the future's
 * completion (no polling): on a {@code ManualTime} a timeout passes without sleeping.
 *
 * <p>Threading: stateless; blocks the calling thread, which the future's completion unparks.
 */
final class TimedWait {
  private TimedWait() {}

  /**
   * @return whether {@code f} completed within {@code nanos}
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  static boolean await(CompletableFuture<?> f, long nanos, Time time) throws InterruptedException {
    if (f.isDone()) {
      return true;
    }
    Thread waiter = Thread.currentThread();
    f.whenComplete((v, e) -> LockSupport.unpark(waiter));
    long deadline = time.nanoseconds() + nanos;
    while (!f.isDone()) {
      long left = deadline - time.nanoseconds();
      if (left <= 0) {
        return false;
      }
      time.park(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return true;
  }
}
