package dev.jray.store;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ObjectId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory of deleted large objects taken by the next object of the same size: written by a put
 * (through a mapping) or streamed from a channel, as a pull does (through the file), and read back
 * through the buffer and with {@link StoredObject#read}.
 */
class ReusedMemoryTest {
  /** Above the reuse threshold, and not a multiple of the read and write slices. */
  private static final int SIZE = 3 * (int) ObjectStore.REUSE_MIN_BYTES + 17;

  @TempDir Path spillRoot;
  private ObjectStore store;
  private final ByteBuffer staging = ByteBuffer.allocateDirect(64 << 10);

  @BeforeEach
  void openStore() {
    store = new ObjectStore(16L * SIZE, spillRoot);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void deletedCopyReturnsItsMemoryForTheNextObjectOfItsSize() throws IOException {
    stream(id(1), data(SIZE, 1), false);
    assertFalse(store.hasReusable(SIZE));

    store.delete(id(1));

    assertTrue(store.hasReusable(SIZE));
    assertEquals(0, store.usedBytes());
    byte[] next = data(SIZE, 2);
    stream(id(2), next, false);
    assertFalse(store.hasReusable(SIZE), "the second copy took the first one's memory");
    assertEquals(SIZE, store.usedBytes());
    assertContent(store, id(2), next);
    assertReads(id(2), next);
  }

  @Test
  void copyDeletedWhileReadReturnsItsMemoryAtTheLastUnpin() throws IOException {
    stream(id(1), data(SIZE, 1), false);
    try (StoredObject pinned = store.get(id(1))) {
      store.delete(id(1));
      assertFalse(store.hasReusable(SIZE));
    }
    assertTrue(store.hasReusable(SIZE));
  }

  @Test
  void streamedIntoMemoryAPutWroteThroughItsMapping() throws IOException {
    store.put(id(1), data(SIZE, 1), true);
    store.delete(id(1));
    byte[] put = data(SIZE, 2);
    store.put(id(2), put, true); // reused: written through a mapping
    assertContent(store, id(2), put);
    store.delete(id(2));

    byte[] streamed = data(SIZE, 3);
    stream(id(3), streamed, false);

    assertContent(store, id(3), streamed);
    assertReads(id(3), streamed);
  }

  @Test
  void putIntoMemoryOfAStreamedCopy() throws IOException {
    stream(id(1), data(SIZE, 1), false);
    store.delete(id(1));
    byte[] put = data(SIZE, 2);

    store.put(id(2), put, true);

    assertContent(store, id(2), put);
    assertReads(id(2), put);
  }

  @Test
  void concurrentWritersOfReusedMemoryGetMemoryOfTheirOwn() throws Exception {
    stream(id(1), data(SIZE, 1), false);
    stream(id(2), data(SIZE, 2), false);
    store.delete(id(1));
    store.delete(id(2));
    byte[] a = data(SIZE, 3);
    byte[] b = data(SIZE, 4);
    ObjectWriter first = store.create(id(3), SIZE, false);
    ObjectWriter second = store.create(id(4), SIZE, false);
    CountDownLatch bothCreated = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> one = threads.submit(() -> fill(first, a, bothCreated));
      Future<?> two = threads.submit(() -> fill(second, b, bothCreated));
      one.get(30, TimeUnit.SECONDS);
      two.get(30, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }

    assertFalse(store.hasReusable(SIZE));
    assertEquals(2L * SIZE, store.usedBytes());
    assertContent(store, id(3), a);
    assertContent(store, id(4), b);
    assertReads(id(3), a);
    assertReads(id(4), b);
  }

  @Test
  void readCopiesAnyRangeOfFreshOrReusedMemory() throws IOException {
    byte[] fresh = data(SIZE, 1);
    stream(id(1), fresh, false);
    store.put(id(2), data(SIZE, 2), true);
    store.delete(id(2));
    byte[] reused = data(SIZE, 3);
    store.put(id(3), reused, true);

    for (ObjectId id : new ObjectId[] {id(1), id(3)}) {
      byte[] expected = id.equals(id(1)) ? fresh : reused;
      try (StoredObject object = store.get(id)) {
        byte[] into = new byte[SIZE];
        object.read(SIZE - 5, into, 3, 5);
        assertArrayEquals(Arrays.copyOfRange(expected, SIZE - 5, SIZE),
            Arrays.copyOfRange(into, 3, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> object.read(SIZE - 4, into, 0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> object.read(0, into, 1, SIZE));
      }
    }
  }

  @Test
  void readFromReportsTheEndOfTheChannel() throws IOException {
    ObjectWriter writer = store.create(id(1), SIZE, false);
    try {
      ReadableByteChannel shorter = channel(data(10, 1));
      assertEquals(10, writer.readFrom(shorter, staging));
      assertEquals(-1, writer.readFrom(shorter, staging));
      assertEquals(SIZE - 10, writer.remaining());
    } finally {
      writer.abort();
    }
    assertEquals(0, store.usedBytes());
  }

  @Test
  void readInterruptedMidwayLeavesTheObjectReadableSendableAndReusable() throws IOException {
    byte[] bytes = data(SIZE, 1);
    stream(id(1), bytes, true);
    try (StoredObject object = store.get(id(1))) {
      byte[] into = new byte[SIZE];
      Thread.currentThread().interrupt();
      try {
        assertThrows(ClosedByInterruptException.class, () -> object.read(0, into, 0, SIZE));
      } finally {
        Thread.interrupted();
      }

      object.read(0, into, 0, SIZE); // through the mapping now
      assertArrayEquals(bytes, into);
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      WritableByteChannel target = Channels.newChannel(sent);
      for (long done = 0; done < SIZE; ) {
        done += object.transferTo(done, SIZE - done, target);
      }
      assertArrayEquals(bytes, sent.toByteArray());
    }
    store.delete(id(1));
    assertTrue(store.hasReusable(SIZE));
    byte[] next = data(SIZE, 2);
    stream(id(2), next, false);
    assertContent(store, id(2), next);
    assertReads(id(2), next);
  }

  private void fill(ObjectWriter writer, byte[] bytes, CountDownLatch bothCreated) {
    try {
      bothCreated.countDown();
      bothCreated.await(); // both writers write at once
      ReadableByteChannel source = channel(bytes);
      ByteBuffer ownStaging = ByteBuffer.allocateDirect(64 << 10);
      while (writer.remaining() > 0) {
        writer.readFrom(source, ownStaging);
      }
      writer.seal();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      writer.abort();
    }
  }

  /** Writes {@code bytes} as a pull does: read by read from a channel. */
  private void stream(ObjectId id, byte[] bytes, boolean primary) throws IOException {
    ObjectWriter writer = store.create(id, bytes.length, primary);
    try {
      ReadableByteChannel source = channel(bytes);
      while (writer.remaining() > 0) {
        assertTrue(writer.readFrom(source, staging) >= 0);
      }
      writer.seal();
    } finally {
      writer.abort();
    }
  }

  private void assertReads(ObjectId id, byte[] expected) throws IOException {
    try (StoredObject object = store.get(id)) {
      byte[] into = new byte[expected.length];
      object.read(0, into, 0, into.length);
      assertArrayEquals(expected, into, "read of " + id);
    }
  }

  private static ReadableByteChannel channel(byte[] bytes) {
    return Channels.newChannel(new ByteArrayInputStream(bytes));
  }
}
