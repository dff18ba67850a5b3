package dev.jray.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jray.api.id.ObjectId;
import java.nio.ByteBuffer;
import java.util.Random;

/** Ids and deterministic contents for store tests. */
public final class TestObjects {
  private TestObjects() {}

  public static ObjectId id(int n) {
    byte[] bytes = new byte[ObjectId.LENGTH];
    ByteBuffer.wrap(bytes).putInt(ObjectId.LENGTH - Integer.BYTES, n);
    return new ObjectId(bytes);
  }

  public static byte[] data(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Asserts the store holds exactly {@code expected} under {@code id}. */
  public static void assertContent(ObjectStore store, ObjectId id, byte[] expected) {
    try (StoredObject object = store.get(id)) {
      assertNotNull(object, "object " + id);
      assertEquals(expected.length, object.size());
      ByteBuffer buffer = object.buffer();
      assertEquals(0, buffer.position());
      assertEquals(expected.length, buffer.limit());
      assertEquals(ByteBuffer.wrap(expected), buffer, "content of " + id);
    }
  }
}
