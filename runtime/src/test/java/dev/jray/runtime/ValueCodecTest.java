package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.ManualTime;
import dev.jray.store.ObjectStore;
import dev.jray.task.ObjectValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueCodecTest {
  private final UniqueId here = IdFactory.newUniqueId();
  private final Owners owners = new Owners(here);
  private final ClassLoader loader = ValueCodecTest.class.getClassLoader();
  @TempDir Path spill;
  private ObjectStore store;
  private ValueCodec codec;

  @BeforeEach
  void setUp() {
    store = new ObjectStore(16L << 20, spill);
    ObjectCopies copies = new ObjectCopies(here, store, owners, Runnable::run);
    ReferenceCounter refs = new ReferenceCounter(owners, copies::deleteFreed,
        new Lineage(Lineage.DEFAULT_MAX_BYTES));
    codec = new ValueCodec(here, Serializers.fory(), store, refs, copies, new ManualTime());
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static ObjectId newId() {
    return IdFactory.objectId(IdFactory.newTaskId(JobId.fromInt(2)), 1);
  }

  private Object roundTrip(ObjectId id, ObjectValue v) {
    return codec.decode(id, owners.self(), CompletableFuture.completedFuture(v), loader);
  }

  @Test
  void aSmallValueTravelsInline() {
    ObjectId id = newId();
    ValueCodec.Encoded e = codec.encode(List.of("a", 1));
    ObjectValue v = codec.storeValue(id, e.bytes());
    assertTrue(v.isInline());
    assertFalse(store.contains(id));
    assertEquals(List.of("a", 1), roundTrip(id, v));
    assertEquals(List.of(), e.contained(), "it holds no ObjectRef");
  }

  @Test
  void aLargeValueGoesIntoThisNodesStore() {
    ObjectId id = newId();
    List<Integer> big = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      big.add(i);
    }
    ObjectValue v = codec.storeValue(id, codec.encode(big).bytes());
    assertFalse(v.isInline());
    assertEquals(here, v.storeNode());
    assertTrue(store.contains(id));
    assertEquals(big, roundTrip(id, v));
  }

  @Test
  void aLargeByteArrayIsStoredAsTheSerializerWouldFrameIt() {
    ObjectId id = newId();
    byte[] array = new byte[ValueCodec.INLINE_LIMIT + 1];
    Arrays.fill(array, (byte) 7);
    ObjectValue v = codec.storeLargeArray(id, array);
    assertTrue(store.contains(id));
    assertArrayEquals(array, (byte[]) roundTrip(id, v));
  }

  @Test
  void onlyLargeByteArraysTakeTheArrayPath() {
    assertNull(codec.storeLargeArray(newId(), new byte[ValueCodec.INLINE_LIMIT]));
    assertNull(codec.storeLargeArray(newId(), "not an array"));
  }

  @Test
  void aSmallByteArrayDecodesToItsBytes() {
    ObjectId id = newId();
    byte[] array = {1, 2, 3};
    assertArrayEquals(array, (byte[]) roundTrip(id, codec.storeValue(id, codec.encode(array).bytes())));
  }

  /** An exception whose field the serializer cannot write. */
  static final class Unserializable extends RuntimeException {
    final transient Object ok = null;
    final Thread thread = Thread.currentThread();

    Unserializable() {
      super("boom");
    }
  }

  @Test
  void anErrorIsDecodedAsTheExceptionItCarries() {
    ObjectId id = newId();
    ObjectValue failure = codec.errorValue(new RayTaskException("task failed", new IllegalStateException("why")));
    assertTrue(failure.error());
    RayTaskException thrown = assertThrows(RayTaskException.class, () -> roundTrip(id, failure));
    assertEquals("task failed", thrown.getMessage());
  }

  @Test
  void anErrorThatCannotBeSerializedKeepsItsMessage() {
    ObjectId id = newId();
    ObjectValue failure = codec.errorValue(new RayTaskException("task failed", new Unserializable()));
    RayTaskException thrown = assertThrows(RayTaskException.class, () -> roundTrip(id, failure));
    assertTrue(thrown.getMessage().contains(Unserializable.class.getName()), thrown.getMessage());
    assertEquals("boom", thrown.getCause().getMessage());
  }
}
