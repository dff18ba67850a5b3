package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TimedWaitTest {
  @Test
  @Timeout(10)
  void aTimeoutPassesOnAManualClockWithoutSleeping() throws InterruptedException {
    ManualTime time = new ManualTime();
    long before = time.nanoseconds();
    assertFalse(TimedWait.await(new CompletableFuture<>(), TimeUnit.SECONDS.toNanos(30), time));
    assertTrue(time.nanoseconds() - before >= TimeUnit.SECONDS.toNanos(30),
        "it waited its 30 s on the manual clock: " + time);
  }

  @Test
  @Timeout(10)
  void aCompletedFutureIsSeenAtOnce() throws InterruptedException {
    ManualTime time = new ManualTime();
    assertTrue(TimedWait.await(CompletableFuture.completedFuture(1), 0, time));
    assertTrue(time.nanoseconds() == 0, "no time passed");
  }

  @Test
  @Timeout(30)
  void theWaiterWakesWhenTheFutureCompletes() throws InterruptedException {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread completer = new Thread(() -> f.complete("done"));
    completer.start();
    assertTrue(TimedWait.await(f, Duration.ofMinutes(5).toNanos(), Time.SYSTEM));
    completer.join();
  }

  @Test
  @Timeout(10)
  void anInterruptEndsTheWait() {
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class,
        () -> TimedWait.await(new CompletableFuture<>(), TimeUnit.SECONDS.toNanos(30), Time.SYSTEM));
    assertFalse(Thread.interrupted(), "the interrupt was consumed by the exception");
  }
}
