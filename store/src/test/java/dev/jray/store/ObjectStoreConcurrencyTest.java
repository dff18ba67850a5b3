package dev.jray.store;

import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ObjectId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreConcurrencyTest {
  private static final int THREADS = 8;
  private static final int OBJECTS_PER_THREAD = 100;
  private static final int SIZE = 16 * 1024;
  // Far below the 12.8 MB written, so threads evict, spill and restore each other's objects.
  private static final long CAPACITY = 1024 * 1024;

  @TempDir Path spillRoot;

  @Test
  void concurrentPutsAndGetsKeepEveryPrimaryIntact() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (ObjectStore store = new ObjectStore(CAPACITY, spillRoot)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  exercise(store, thread);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(2, TimeUnit.MINUTES);
      }

      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < OBJECTS_PER_THREAD; i += 2) {
          TestObjects.assertContent(store, objectId(t, i), data(SIZE, seed(t, i)));
        }
      }
      assertTrue(store.usedBytes() <= CAPACITY);
      assertTrue(store.spilledCount() > 0);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Even objects are primaries, odd ones secondaries; each put is followed by a random read. */
  private static void exercise(ObjectStore store, int thread) {
    Random random = new Random(thread);
    for (int i = 0; i < OBJECTS_PER_THREAD; i++) {
      store.put(objectId(thread, i), data(SIZE, seed(thread, i)), i % 2 == 0);
      int earlier = random.nextInt(i + 1);
      try (StoredObject object = store.get(objectId(thread, earlier))) {
        if (earlier % 2 == 0) {
          assertNotNull(object, "primaries are spilled, never dropped");
        }
        if (object != null) {
          assertEquals(ByteBuffer.wrap(data(SIZE, seed(thread, earlier))), object.buffer());
        }
      }
    }
  }

  private static ObjectId objectId(int thread, int index) {
    return id(thread * OBJECTS_PER_THREAD + index);
  }

  private static long seed(int thread, int index) {
    return thread * 1_000_003L + index;
  }
}
