package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.ids.IdFactory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The GCS's values as bytes: what round-trips, what is refused, and when two are the same. */
class GcsValueCodecTest {
  /** Not a GCS class; its construction must never be reached by a read. */
  record Foreign(String payload) implements Serializable {}

  @Test
  void everyKindOfGcsValueRoundTrips() {
    JobId job = JobId.fromInt(9);
    UniqueId node = IdFactory.newUniqueId();
    ActorRecord actor = GcsRecords.deadActor(job);
    PlacementGroupRecord group = GcsRecords.group(job);
    Map<Object, Object> snapshot = new HashMap<>();
    snapshot.put(node, GcsRecords.node(node));
    snapshot.put(actor.actorId(), actor);
    for (Object value : List.of(node, job, actor.actorId(), group.id(), "name", new byte[] {4, 5},
        GcsRecords.node(node), GcsRecords.job(job), actor, group, GcsRecords.elasticGroup(job),
        snapshot,
        new HashSet<>(List.of(node, IdFactory.newUniqueId())))) {
      Object back = GcsValueCodec.decodeAny(GcsValueCodec.encode(value), "a test value");
      assertTrue(GcsValueCodec.sameValue(value, back), value + " came back as " + back);
    }
    assertNull(GcsValueCodec.encode(null));
    assertNull(GcsValueCodec.decode(null, NodeRecord.class, "nothing"));
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedByNameWhereverItSits() {
    assertRefused(() -> new Foreign("top"), Foreign.class.getName());
    assertRefused(() -> new ArrayList<>(List.of("ok", new Foreign("in a list"))),
        Foreign.class.getName());
    assertRefused(() -> new Foreign[] {new Foreign("in an array")}, Foreign.class.getName());
    assertRefused(() -> new java.net.InetSocketAddress("127.0.0.1", 1), "java.net.");
    // a serialized lambda reads back through java.lang.invoke.SerializedLambda
    assertRefused(() -> (Supplier<String> & Serializable) () -> "code", "java.lang.invoke.");
  }

  private static void assertRefused(Supplier<Object> value, String named) {
    byte[] bytes = GcsValueCodec.encode(value.get());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GcsValueCodec.decodeAny(bytes, "the value of kv.put"));
    assertTrue(e.getMessage().startsWith("the value of kv.put was refused: class " + named),
        e.getMessage());
  }

  @Test
  void aValueNestedTooDeepIsRefused() {
    List<Object> nested = new ArrayList<>();
    List<Object> inner = nested;
    for (int i = 0; i < GcsValueCodec.MAX_DEPTH + 5; i++) {
      List<Object> next = new ArrayList<>();
      inner.add(next);
      inner = next;
    }
    byte[] bytes = GcsValueCodec.encode(nested);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GcsValueCodec.decodeAny(bytes, "deep"));
    assertTrue(e.getMessage().contains("nests deeper than " + GcsValueCodec.MAX_DEPTH),
        e.getMessage());
  }

  @Test
  void aValueOfAnotherTypeThanExpectedIsRefused() {
    byte[] bytes = GcsValueCodec.encode(GcsRecords.job(JobId.fromInt(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GcsValueCodec.decode(bytes, NodeRecord.class, "the value of nodes.get"));
    assertEquals("the value of nodes.get is a " + JobRecord.class.getName() + ", not a "
        + NodeRecord.class.getName(), e.getMessage());
  }

  @Test
  void garbageIsRefusedNotThrownRaw() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GcsValueCodec.decodeAny(new byte[] {1, 2, 3}, "junk"));
    assertTrue(e.getMessage().startsWith("junk cannot be read"), e.getMessage());
  }

  @Test
  void aValueThatIsNotSerializableFailsToEncodeByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GcsValueCodec.encode(new Object()));
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
  }

  @Test
  void recordsHoldingBytesAreTheSameByContent() {
    ActorRecord a = GcsRecords.deadActor(JobId.fromInt(1));
    ActorRecord copy = (ActorRecord) GcsValueCodec.decodeAny(GcsValueCodec.encode(a), "copy");
    assertNotEquals(a, copy, "a record's own equals compares its byte[] by reference");
    assertTrue(GcsValueCodec.sameValue(a, copy));
    assertFalse(GcsValueCodec.sameValue(a, a.dead("another cause", new byte[] {1, 2, 3})));
    assertFalse(GcsValueCodec.sameValue(a, a.dead("killed", new byte[] {1, 2, 4})));
    assertTrue(GcsValueCodec.sameValue(new byte[] {1}, new byte[] {1}));
    assertFalse(GcsValueCodec.sameValue(new byte[] {1}, new byte[] {2}));
    assertFalse(GcsValueCodec.sameValue(a, null));
    assertArrayEquals(new byte[] {1, 2, 3}, copy.deathError());
  }

  @Test
  void namesAreAllowedAsTheMembersAllowThem() {
    assertTrue(GcsValueCodec.allowed("[B"));
    assertTrue(GcsValueCodec.allowed("[[Ljava.lang.String;"));
    assertTrue(GcsValueCodec.allowed(NodeRecord.class.getName()));
    assertTrue(GcsValueCodec.allowed(UniqueId.class.getName()));
    assertTrue(GcsValueCodec.allowed("java.util.ImmutableCollections$ListN"));
    assertFalse(GcsValueCodec.allowed("[L" + Foreign.class.getName() + ";"));
    assertFalse(GcsValueCodec.allowed("java.lang.reflect.Proxy"));
    assertFalse(GcsValueCodec.allowed("dev.jray.gcs.NodeLoad"), "not a GCS table's type");
    assertFalse(GcsValueCodec.allowed("[Lnot-an-array"));
  }
}
