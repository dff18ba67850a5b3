package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Stores, spills, restores and reads one large object; {@link LargeObjectTest} runs it in a child
 * JVM with a small heap and direct-memory limit. Exits non-zero on any mismatch.
 */
final class LargeObjectProbe {
  private LargeObjectProbe() {}

  public static void main(String[] args) {
    int size = Integer.parseInt(args[0]);
    Path spillRoot = Path.of(args[1]);
    ObjectId large = TestObjects.id(1);
    long expected;
    try (ObjectStore store = new ObjectStore(size, spillRoot)) {
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) (i * 31 + (i >>> 13));
      }
      CRC32 crc = new CRC32();
      crc.update(data);
      expected = crc.getValue();
      store.put(large, data, true);
      data = null; // let the heap copy go: from here on, the bytes live only in the store
      check(store.usedBytes() == size, "used bytes " + store.usedBytes());
      check(checksum(store, large) == expected, "checksum after put");

      store.put(TestObjects.id(2), new byte[1], true); // spills the large object to disk
      check(store.spilledBytes() == size, "spilled bytes " + store.spilledBytes());
      check(checksum(store, large) == expected, "checksum after restore");
      check(store.usedBytes() == size, "used bytes after restore " + store.usedBytes());
    }
    System.out.println("stored, spilled and restored " + size + " bytes, crc " + expected);
  }

  private static long checksum(ObjectStore store, ObjectId id) {
    try (StoredObject object = store.get(id)) {
      CRC32 crc = new CRC32();
      crc.update(object.buffer()); // reads the mapping directly, no heap copy
      return crc.getValue();
    }
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("large object probe failed: " + what);
    }
  }
}
