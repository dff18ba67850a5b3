package dev.jray.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A group's state as bundles are placed and lost, elastic or not, and its older wire form. */
class PlacementGroupRecordTest {
  private final UniqueId a = UniqueId.randomId();
  private final UniqueId b = UniqueId.randomId();
  private final UniqueId c = UniqueId.randomId();

  private static PlacementGroupRecord group(int bundles, int min) {
    return PlacementGroupRecord.pending(PlacementGroupId.fromRandom(), null, "ns",
        JobId.fromInt(1), Collections.nCopies(bundles, Map.of("CPU", 1.0)),
        PlacementStrategy.STRICT_SPREAD, 1, min, false);
  }

  @Test
  void anElasticGroupIsCreatedAtItsMinimumAndShrinksWithoutReschedulingUntilBelowIt() {
    PlacementGroupRecord g = group(4, 2).placedOn(Arrays.asList(a, b, null, null));
    assertEquals(PlacementGroupState.CREATED, g.state());
    assertTrue(g.isElastic());
    assertFalse(g.isComplete());
    assertEquals(List.of(0, 1), g.reservedBundleIndexes());
    g = g.placedOn(Arrays.asList(a, b, c, null));
    assertEquals(List.of(0, 1, 2), g.reservedBundleIndexes());
    g = g.lostNode(c);
    assertEquals(PlacementGroupState.CREATED, g.state(), "2 left of at least 2");
    g = g.lostNode(b);
    assertEquals(PlacementGroupState.RESCHEDULING, g.state(), "1 left of at least 2");
    assertEquals(PlacementGroupState.CREATED, g.placedOn(Arrays.asList(a, c, null, null)).state());
  }

  @Test
  void aGroupThatNeedsEveryBundleReschedulesOnAnyLossAndAPendingOneStaysPending() {
    PlacementGroupRecord g = group(2, 0);
    assertEquals(2, g.minBundles(), "0 means every bundle");
    assertFalse(g.isElastic());
    assertEquals(PlacementGroupState.PENDING, g.placedOn(Arrays.asList(a, null)).state(),
        "one of two: not created yet");
    PlacementGroupRecord created = g.placedOn(List.of(a, b));
    assertEquals(PlacementGroupState.CREATED, created.state());
    assertEquals(PlacementGroupState.RESCHEDULING, created.lostNode(b).state());
    assertEquals(created, created.lostNode(c), "a node holding none of it changes nothing");
  }

  /** The record as it was before elastic and detached groups: 9 components. */
  record PlacementGroupRecordV1(PlacementGroupId id, String name, String namespace, JobId jobId,
      List<Map<String, Double>> bundles, PlacementStrategy strategy, PlacementGroupState state,
      List<UniqueId> bundleNodes, long createdAtMs) implements Serializable {}

  @Test
  void aRecordWrittenBeforeElasticGroupsReadsBackAsOneThatNeedsEveryBundleAndEndsWithItsJob()
      throws Exception {
    PlacementGroupRecordV1 old = new PlacementGroupRecordV1(PlacementGroupId.fromRandom(), "pg",
        "ns", JobId.fromInt(3), List.of(Map.of("CPU", 1.0), Map.of("CPU", 2.0)),
        PlacementStrategy.PACK, PlacementGroupState.CREATED, List.of(a, b), 7);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(old);
    }
    // the stream names the class as a length-prefixed UTF string: name it as the GCS's record
    byte[] renamed = rename(bytes.toByteArray(), PlacementGroupRecordV1.class.getName(),
        PlacementGroupRecord.class.getName());
    PlacementGroupRecord read;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(renamed))) {
      read = (PlacementGroupRecord) in.readObject();
    }
    assertEquals(new PlacementGroupRecord(old.id(), "pg", "ns", JobId.fromInt(3), old.bundles(),
        PlacementStrategy.PACK, PlacementGroupState.CREATED, List.of(a, b), 7, 2, false), read);
    assertFalse(read.isElastic());
    assertFalse(read.detached());
  }

  private static byte[] rename(byte[] stream, String from, String to) {
    byte[] f = utf(from);
    byte[] t = utf(to);
    for (int i = 0; i + f.length <= stream.length; i++) {
      if (Arrays.equals(stream, i, i + f.length, f, 0, f.length)) {
        byte[] out = new byte[stream.length - f.length + t.length];
        System.arraycopy(stream, 0, out, 0, i);
        System.arraycopy(t, 0, out, i, t.length);
        System.arraycopy(stream, i + f.length, out, i + t.length, stream.length - i - f.length);
        return out;
      }
    }
    throw new AssertionError(from + " is not in the stream");
  }

  private static byte[] utf(String s) {
    byte[] name = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[name.length + 2];
    out[0] = (byte) (name.length >> 8);
    out[1] = (byte) name.length;
    System.arraycopy(name, 0, out, 2, name.length);
    return out;
  }
}
