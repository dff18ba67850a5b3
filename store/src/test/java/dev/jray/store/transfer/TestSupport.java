package dev.jray.store.transfer;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Future helpers for transfer tests (ids and contents: {@link dev.jray.store.TestObjects}). */
final class TestSupport {
  static final long TIMEOUT_SECONDS = 60;

  private TestSupport() {}


  /** Waits for {@code future} from a test thread, never from an event loop. */
  static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits for {@code future} to fail and returns why. */
  static Throwable awaitFailure(Future<?> future) throws InterruptedException, TimeoutException {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail");
  }

  /** Asserts {@code store} holds exactly {@code expected} under {@code id}. */
}
