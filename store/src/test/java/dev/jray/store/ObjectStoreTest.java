package dev.jray.store;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jray.api.exception.RayException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
  private static final int SIZE = 1000;

  @TempDir Path spillRoot;
  private ObjectStore store;

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private ObjectStore open(long capacity) {
    store = new ObjectStore(capacity, spillRoot);
    return store;
  }

  @Test
  void constructorValidatesArguments() {
    assertThrows(NullPointerException.class, () -> new ObjectStore(100, null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ObjectStore(0, spillRoot));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ObjectStore(-5, spillRoot));
  }

  @Test
  void roundTripsSmallAndEmptyObjects() {
    open(10_000);
    byte[] small = data(100, 1);
    store.put(id(1), small, true);
    store.put(id(2), new byte[0], false);

    assertTrue(store.contains(id(1)));
    assertContent(store, id(1), small);
    assertContent(store, id(2), new byte[0]);
    assertFalse(store.contains(id(3)));
    assertNull(store.get(id(3)));
  }

  @Test
  void roundTripsLargeObject() {
    open(256L << 20);
    byte[] large = data(64 << 20, 2);
    store.put(id(1), large, true);
    assertContent(store, id(1), large);
  }

  @Test
  void putCopiesTheData() {
    open(10_000);
    byte[] bytes = data(SIZE, 3);
    byte[] original = bytes.clone();
    store.put(id(1), bytes, true);
    bytes[0]++;
    assertContent(store, id(1), original);
  }

  @Test
  void buffersAreReadOnlyIndependentViews() {
    open(10_000);
    store.put(id(1), data(SIZE, 4), true);
    try (StoredObject object = store.get(id(1))) {
      ByteBuffer first = object.buffer();
      assertTrue(first.isReadOnly());
      assertThrows(ReadOnlyBufferException.class, () -> first.put(0, (byte) 1));
      first.position(10);
      assertEquals(0, object.buffer().position());
      assertEquals(id(1), object.id());
      object.close();
      assertThrows(IllegalStateException.class, object::buffer);
    }
  }

  @Test
  void accountsCapacityUsedBytesAndCounts() {
    open(10_000);
    assertEquals(new ObjectStore.Stats(10_000, 0, 0, 0, 0), store.stats());

    store.put(id(1), data(SIZE, 1), true);
    store.put(id(2), data(2 * SIZE, 2), false);
    assertEquals(10_000, store.capacity());
    assertEquals(3 * SIZE, store.usedBytes());
    assertEquals(2, store.objectCount());

    store.delete(id(2));
    assertEquals(new ObjectStore.Stats(10_000, SIZE, 1, 0, 0), store.stats());
    store.delete(id(2)); // already gone: nothing to do
    store.delete(id(1));
    assertEquals(new ObjectStore.Stats(10_000, 0, 0, 0, 0), store.stats());
  }

  @Test
  void rejectsDuplicateIdsAndOversizedObjects() {
    open(10_000);
    store.put(id(1), data(SIZE, 1), true);
    IllegalStateException duplicate =
        assertThrows(IllegalStateException.class, () -> store.put(id(1), data(SIZE, 1), false));
    assertTrue(duplicate.getMessage().contains(id(1).toHex()), duplicate.getMessage());

    long tooLarge = Integer.MAX_VALUE + 1L;
    IllegalArgumentException huge =
        assertThrows(IllegalArgumentException.class, () -> store.create(id(2), tooLarge, true));
    assertTrue(huge.getMessage().contains(Long.toString(tooLarge)), huge.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.create(id(2), -1, true));
    assertEquals(SIZE, store.usedBytes());
  }

  @Test
  void evictsLeastRecentlyUsedSecondariesBeforeSpillingPrimaries() {
    open(3 * SIZE);
    byte[] primary = data(SIZE, 0);
    store.put(id(0), primary, true); // the oldest, yet secondaries must go first
    store.put(id(1), data(SIZE, 1), false);
    store.put(id(2), data(SIZE, 2), false);
    store.get(id(1)).close(); // id(2) is now the least recently used secondary

    store.put(id(3), data(SIZE, 3), true);
    assertFalse(store.contains(id(2)));
    assertTrue(store.contains(id(1)));

    store.put(id(4), data(SIZE, 4), true);
    assertFalse(store.contains(id(1)));
    assertEquals(0, store.spilledCount());
    assertEquals(3 * SIZE, store.usedBytes());
    assertContent(store, id(0), primary);
  }

  @Test
  void spillsLeastRecentlyUsedPrimaryAndRestoresItOnGet() throws IOException {
    open(2 * SIZE);
    byte[] first = data(SIZE, 1);
    byte[] second = data(SIZE, 2);
    store.put(id(1), first, true);
    store.put(id(2), second, true);
    store.get(id(1)).close(); // id(2) is now the least recently used

    store.put(id(3), data(SIZE, 3), true);
    assertEquals(new ObjectStore.Stats(2 * SIZE, 2 * SIZE, 2, SIZE, 1), store.stats());
    assertTrue(store.contains(id(2)));
    assertEquals(List.of(id(2).toHex()), spillFileNames());

    // Restoring id(2) needs room, so the least recently used id(1) is spilled.
    assertContent(store, id(2), second);
    assertEquals(new ObjectStore.Stats(2 * SIZE, 2 * SIZE, 2, SIZE, 1), store.stats());
    assertEquals(List.of(id(1).toHex()), spillFileNames());
    assertContent(store, id(1), first);
  }

  @Test
  void deletingSpilledObjectDeletesItsFile() throws IOException {
    open(SIZE);
    store.put(id(1), data(SIZE, 1), true);
    store.put(id(2), data(SIZE, 2), true);
    assertEquals(1, spillFileCount());

    store.delete(id(1));
    assertEquals(0, spillFileCount());
    assertEquals(new ObjectStore.Stats(SIZE, SIZE, 1, 0, 0), store.stats());
  }

  @Test
  void fullStoreErrorNamesObjectSizeCapacityAndUsedBytes() {
    open(1000);
    store.put(id(1), data(600, 1), true);
    try (StoredObject pinned = store.get(id(1))) {
      ObjectStoreFullException e =
          assertThrows(ObjectStoreFullException.class, () -> store.put(id(2), data(500, 2), true));
      assertTrue(e instanceof RayException);
      assertEquals(id(2), e.getObjectId());
      assertEquals(
          "object store is full: cannot fit object "
              + id(2).toHex()
              + " of 500 bytes; capacity 1000 bytes, 600 bytes used, of which 600 bytes are"
              + " pinned or being written",
          e.getMessage());
    }
    assertFalse(store.contains(id(2)));
    assertEquals(600, store.usedBytes());
    assertEquals(0, store.spilledCount());
  }

  @Test
  void objectLargerThanCapacityNeverFits() {
    open(1000);
    store.put(id(1), data(100, 1), true);
    ObjectStoreFullException e =
        assertThrows(ObjectStoreFullException.class, () -> store.create(id(2), 1001, true));
    assertTrue(e.getMessage().contains(id(2).toHex() + " of 1001 bytes"), e.getMessage());
    assertTrue(store.contains(id(1)));
    assertEquals(0, store.spilledCount()); // a hopeless request spills nothing
  }

  @Test
  void pinnedObjectsAreNeitherEvictedNorSpilled() {
    open(2 * SIZE);
    byte[] secondary = data(SIZE, 1);
    byte[] primary = data(SIZE, 2);
    store.put(id(1), secondary, false);
    store.put(id(2), primary, true);
    StoredObject pinnedSecondary = store.get(id(1));
    try (StoredObject pinnedPrimary = store.get(id(2))) {
      assertThrows(ObjectStoreFullException.class, () -> store.put(id(3), data(SIZE, 3), true));
      assertEquals(0, store.spilledCount());
      assertEquals(ByteBuffer.wrap(primary), pinnedPrimary.buffer());
      assertEquals(ByteBuffer.wrap(secondary), pinnedSecondary.buffer());

      pinnedSecondary.close();
      store.put(id(3), data(SIZE, 3), true);
      assertFalse(store.contains(id(1)));
      assertEquals(0, store.spilledCount());
      assertEquals(ByteBuffer.wrap(primary), pinnedPrimary.buffer());
    }
  }

  @Test
  void deleteWhilePinnedFreesAtLastUnpin() {
    open(10_000);
    byte[] bytes = data(SIZE, 1);
    store.put(id(1), bytes, true);
    StoredObject first = store.get(id(1));
    StoredObject second = store.get(id(1));

    store.delete(id(1));
    assertFalse(store.contains(id(1)));
    assertNull(store.get(id(1)));
    assertEquals(SIZE, store.usedBytes());
    assertEquals(ByteBuffer.wrap(bytes), first.buffer());

    store.put(id(1), data(SIZE, 2), true); // the id is free for a new object
    assertEquals(2 * SIZE, store.usedBytes());

    first.close();
    first.close(); // idempotent: must not unpin twice
    assertEquals(2 * SIZE, store.usedBytes());
    assertEquals(ByteBuffer.wrap(bytes), second.buffer());
    second.close();
    assertEquals(SIZE, store.usedBytes());
    assertContent(store, id(1), data(SIZE, 2));
  }

  @Test
  void deleteUnmapsTheMemory() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
    open(10_000);
    store.put(id(1), data(SIZE, 1), true);
    assertEquals(1, mappingsOf(maps, store.memoryDirectory()));

    store.delete(id(1));
    assertEquals(0, mappingsOf(maps, store.memoryDirectory()));
  }

  @Test
  void closeFreesMemoryAndDeletesFiles() throws IOException {
    open(2 * SIZE);
    Path memoryDirectory = store.memoryDirectory();
    Path spillDirectory = store.spillDirectory();
    assertTrue(Files.isDirectory(memoryDirectory));
    for (int i = 0; i < 4; i++) {
      store.put(id(i), data(SIZE, i), true);
    }
    ObjectWriter unfinished = store.create(id(9), 0, true);
    assertEquals(2, spillFileCount());
    assertEquals(0, fileCount(memoryDirectory)); // files are deleted once mapped
    StoredObject pinned = store.get(id(3));

    store.close();
    assertFalse(Files.exists(memoryDirectory));
    assertFalse(Files.exists(spillDirectory));
    assertEquals(new ObjectStore.Stats(2 * SIZE, SIZE, 2, 0, 0), store.stats());
    assertArrayEquals(data(SIZE, 3), bytesOf(pinned.buffer())); // pinned memory outlives close
    pinned.close();
    unfinished.seal(); // the store is closed, so sealing just releases the object
    assertEquals(new ObjectStore.Stats(2 * SIZE, 0, 0, 0, 0), store.stats());
    assertThrows(IllegalStateException.class, () -> store.get(id(0)));
    assertThrows(IllegalStateException.class, () -> store.put(id(5), new byte[1], true));
    store.close(); // idempotent
  }

  @Test
  void aNewStoreRemovesTheDirectoriesOfDeadProcessesAndKeepsOthers() throws IOException {
    // no process has this pid (Linux's pid_max is at most 2^22)
    Path dead = Files.createDirectories(spillRoot.resolve("jray-spill-2147483000-123"));
    Files.write(dead.resolve("left-behind"), new byte[10]);
    Path live = Files.createDirectories(
        spillRoot.resolve("jray-spill-" + ProcessHandle.current().pid() + "-456"));
    Path unnamed = Files.createDirectories(spillRoot.resolve("jray-spill-789"));
    Path foreign = Files.createDirectories(spillRoot.resolve("other-2147483000-1"));

    open(SIZE);

    assertFalse(Files.exists(dead));
    assertTrue(Files.isDirectory(live));
    assertTrue(Files.isDirectory(unnamed));
    assertTrue(Files.isDirectory(foreign));
    assertTrue(store.spillDirectory().getFileName().toString()
        .startsWith("jray-spill-" + ProcessHandle.current().pid() + "-"));
    assertTrue(store.memoryDirectory().getFileName().toString()
        .startsWith("jray-store-" + ProcessHandle.current().pid() + "-"));
  }

  @Test
  void defaultCapacityIsThirtyPercentOfPhysicalMemoryUnlessConfigured() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    String previous = System.clearProperty(StoreCapacity.PROPERTY);
    try {
      assertEquals((long) (os.getTotalMemorySize() * 0.3), StoreCapacity.defaultCapacity());
      System.setProperty(StoreCapacity.PROPERTY, "123456");
      assertEquals(123456, StoreCapacity.defaultCapacity());
      System.setProperty(StoreCapacity.PROPERTY, "lots");
      assertThrows(IllegalArgumentException.class, StoreCapacity::defaultCapacity);
      System.setProperty(StoreCapacity.PROPERTY, "0");
      assertThrows(IllegalArgumentException.class, StoreCapacity::defaultCapacity);
    } finally {
      if (previous == null) {
        System.clearProperty(StoreCapacity.PROPERTY);
      } else {
        System.setProperty(StoreCapacity.PROPERTY, previous);
      }
    }
  }

  private List<String> spillFileNames() throws IOException {
    try (Stream<Path> files = Files.list(store.spillDirectory())) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private long spillFileCount() throws IOException {
    return fileCount(store.spillDirectory());
  }

  private static long fileCount(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }

  private static long mappingsOf(Path maps, Path directory) throws IOException {
    try (Stream<String> lines = Files.lines(maps)) {
      return lines.filter(line -> line.contains(directory.toString())).count();
    }
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
