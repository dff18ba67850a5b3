package dev.jray.store;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectWriterTest {
  private static final int SIZE = 10_000;
  private static final int CHUNK = 1_000;

  @TempDir Path spillRoot;
  private ObjectStore store;

  @BeforeEach
  void openStore() {
    store = new ObjectStore(4 * SIZE, spillRoot);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void chunkedWriteIsReadableOnlyAfterSeal() {
    byte[] bytes = data(SIZE, 1);
    ObjectWriter writer = store.create(id(1), SIZE, false);
    assertEquals(SIZE, store.usedBytes()); // reserved up front
    for (int offset = 0; offset < SIZE; offset += CHUNK) {
      // Alternate heap and direct chunks, as network buffers may be either.
      ByteBuffer chunk =
          offset % (2 * CHUNK) == 0
              ? ByteBuffer.wrap(bytes, offset, CHUNK)
              : ByteBuffer.allocateDirect(CHUNK).put(bytes, offset, CHUNK).flip();
      writer.write(chunk);
      assertFalse(chunk.hasRemaining());
      assertFalse(store.contains(id(1)));
      assertNull(store.get(id(1)));
    }
    writer.seal();
    assertTrue(store.contains(id(1)));
    assertContent(store, id(1), bytes);
    writer.abort(); // no-op once sealed
    assertContent(store, id(1), bytes);
  }

  @Test
  void sealRequiresEveryByteAndWriteRejectsOverflow() {
    ObjectWriter writer = store.create(id(1), SIZE, true);
    writer.write(ByteBuffer.wrap(data(SIZE - 1, 1)));
    IllegalArgumentException overflow =
        assertThrows(IllegalArgumentException.class, () -> writer.write(ByteBuffer.allocate(2)));
    assertTrue(overflow.getMessage().contains(id(1).toHex()), overflow.getMessage());
    IllegalStateException early = assertThrows(IllegalStateException.class, writer::seal);
    assertTrue(early.getMessage().contains("9999 of 10000 bytes"), early.getMessage());

    writer.abort();
    assertEquals(0, store.usedBytes());
    assertFalse(store.contains(id(1)));
    assertThrows(IllegalStateException.class, () -> writer.write(ByteBuffer.allocate(1)));
    store.put(id(1), data(SIZE, 2), true); // the id is free again
  }

  @Test
  void creatingAnIdBeingWrittenFails() {
    store.create(id(1), SIZE, true);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.create(id(1), SIZE, true));
    assertTrue(e.getMessage().contains(id(1).toHex()), e.getMessage());
  }

  @Test
  void objectsBeingWrittenAreNeverEvictedOrSpilled() {
    ObjectWriter writer = store.create(id(1), 4 * SIZE, false);
    assertThrows(ObjectStoreFullException.class, () -> store.put(id(2), new byte[1], true));
    writer.write(ByteBuffer.allocate(4 * SIZE));
    writer.seal();
    store.put(id(2), new byte[1], true); // sealed and unpinned, the secondary can now go
    assertFalse(store.contains(id(1)));
  }

  @Test
  void deletingAnObjectBeingWrittenDiscardsItAtSeal() {
    ObjectWriter writer = store.create(id(1), SIZE, true);
    store.delete(id(1));
    assertEquals(SIZE, store.usedBytes()); // the writer may still be copying into it
    writer.write(ByteBuffer.wrap(data(SIZE, 1)));
    writer.seal();
    assertFalse(store.contains(id(1)));
    assertEquals(0, store.usedBytes());
  }
}
