package dev.jray.attach;

import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocking request/reply to the host over a {@link HostChannel}, each call bounded by the timeout
 * on the injected {@link Time} (a {@code ManualTime} sees it pass without waiting), woken by the
 * reply (no polling).
 *
 * <p>Threading: thread-safe; {@link #call} blocks the calling thread (never an event loop, nor the
 * link's reader thread, which delivers the reply).
 */
final class HostCalls {
  private final HostChannel channel;
  private final Duration timeout;
  private final Time time;

  HostCalls(HostChannel channel, Duration timeout, Time time) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a timeout must be positive: " + timeout);
    }
    this.time = Objects.requireNonNull(time, "time");
  }

  HostChannel channel() {
    return channel;
  }

  /**
   * Sends {@code request} and waits for its reply.
   *
   * @param what the call, for errors ("GCS actors.get of 0a1b...")
   * @throws HostCallException naming {@code what} if the host refused it, did not answer within
   *     the timeout, answered with something else than a {@code replyType}, or the link failed; or
   *     if the thread was interrupted (its interrupt flag set again)
   */
  <T> T call(String what, Object request, Class<T> replyType) {
    CompletableFuture<Object> reply;
    try {
      reply = channel.request(request);
    } catch (RuntimeException e) {
      throw new HostCallException(what + " could not be sent to the host: " + e, e, false);
    }
    if (!await(reply, what)) {
      reply.completeExceptionally(new TimeoutException(what + " timed out")); // frees its slot
      throw new HostCallException(what + " timed out after " + timeout.toMillis()
          + " ms: the host did not answer", null, true);
    }
    Object value;
    try {
      value = reply.join();
    } catch (CancellationException | CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new HostCallException(what + " failed: " + cause.getMessage(), cause, false);
    }
    if (!replyType.isInstance(value)) {
      throw new HostCallException(what + " was answered with a "
          + (value == null ? "null" : value.getClass().getName()) + ", not a "
          + replyType.getSimpleName());
    }
    return replyType.cast(value);
  }

  /** Whether {@code reply} completed within the timeout. */
  private boolean await(CompletableFuture<Object> reply, String what) {
    if (reply.isDone()) {
      return true;
    }
    Thread waiter = Thread.currentThread();
    reply.whenComplete((v, e) -> LockSupport.unpark(waiter));
    long deadline = time.nanoseconds() + timeout.toNanos();
    while (!reply.isDone()) {
      long left = deadline - time.nanoseconds();
      if (left <= 0) {
        return reply.isDone();
      }
      time.park(left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        reply.cancel(false);
        throw new HostCallException(what + " was interrupted while it waited for the host",
            null, false);
      }
    }
    return true;
  }
}
