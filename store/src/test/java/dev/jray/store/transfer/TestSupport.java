package dev.jray.store.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jray.api.id.ObjectId;
import dev.jray.store.ObjectStore;
import dev.jray.store.StoredObject;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ids, contents and future helpers for transfer tests. */
final class TestSupport {
  static final long TIMEOUT_SECONDS = 60;

  private TestSupport() {}

  static ObjectId id(int n) {
    byte[] bytes = new byte[ObjectId.LENGTH];
    ByteBuffer.wrap(bytes).putInt(ObjectId.LENGTH - Integer.BYTES, n);
    return new ObjectId(bytes);
  }

  static byte[] data(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

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
  static void assertContent(ObjectStore store, ObjectId id, byte[] expected) {
    try (StoredObject object = store.get(id)) {
      assertNotNull(object, "object " + id);
      assertEquals(expected.length, object.size());
      assertEquals(ByteBuffer.wrap(expected), object.buffer(), "content of " + id);
    }
  }
}
