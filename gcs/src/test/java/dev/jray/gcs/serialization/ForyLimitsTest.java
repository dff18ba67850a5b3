package dev.jray.gcs.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.serialization.Fixtures.Node;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fory's limits against hostile input, as {@link ForySerializer} sets them. */
class ForyLimitsTest {
  private static final ClassLoader LOADER = ForyLimitsTest.class.getClassLoader();

  @AfterEach
  void clearProperties() {
    System.clearProperty(ForySerializer.MAX_DEPTH_PROPERTY);
    System.clearProperty(ForySerializer.MAX_GRAPH_MEMORY_PROPERTY);
    System.clearProperty(ForySerializer.MAX_UNBACKED_ITEMS_PROPERTY);
  }

  @Test
  void aValueNestedDeeperThanTheLimitIsRefusedNamingItsProperty() {
    ForySerializer serializer = new ForySerializer(new ForySerializer.Limits(50, 1L << 30, 1 << 24));

    Node shallow = chain(40);
    assertEquals("39", ((Node) serializer.deserialize(serializer.serialize(shallow), LOADER)).name);
    byte[] deep = serializer.serialize(chain(100));
    SerializationException e = assertThrows(SerializationException.class,
        () -> serializer.deserialize(deep, LOADER));

    assertTrue(e.getMessage().contains("exceeds the maximum depth 50 (-D"
        + ForySerializer.MAX_DEPTH_PROPERTY + ")"), e.getMessage());
  }

  @Test
  void aValueNeedingMoreMemoryThanTheLimitIsRefusedNamingItsProperty() {
    ForySerializer serializer = new ForySerializer(new ForySerializer.Limits(4096, 1 << 16, 1 << 24));

    byte[] small = new byte[1000];
    assertArrayEquals(small, (byte[]) serializer.deserialize(serializer.serialize(small), LOADER));
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      many.add(i);
    }
    for (Object big : new Object[] {new long[100_000], many}) {
      byte[] bytes = serializer.serialize(big);
      SerializationException e = assertThrows(SerializationException.class,
          () -> serializer.deserialize(bytes, LOADER));
      assertTrue(e.getMessage().contains("exceeds the memory one value may reserve, 65536 bytes (-D"
          + ForySerializer.MAX_GRAPH_MEMORY_PROPERTY + ")"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0000518094ebdc03",           // a byte[] of 10^9 bytes, in 8
      "0000568094ebdc03",           // a long[] of 10^9 bytes
      "00005a80c2d72f0804020406",   // a list of 10^8 ints, three given
      "0000158094ebdc036162636465"}) // a string of 10^9 bytes, five given
  void aLengthTheBytesDoNotBackIsRefusedWithDefaultLimits(String hex) {
    byte[] hostile = HexFormat.of().parseHex(hex);
    long heapBefore = usedHeap();

    assertThrows(SerializationException.class,
        () -> new ForySerializer().deserialize(hostile, LOADER));

    assertTrue(usedHeap() - heapBefore < 64L << 20, "reading allocated what the bytes claimed");
  }

  @Test
  void theLimitsComeFromSystemPropertiesWithHighFiniteDefaults() {
    ForySerializer.Limits defaults = ForySerializer.Limits.fromSystemProperties();
    assertEquals(4096, defaults.maxDepth());
    assertEquals(Runtime.getRuntime().maxMemory(), defaults.maxGraphMemoryBytes());
    assertEquals(1 << 24, defaults.maxUnbackedContainerItems());

    System.setProperty(ForySerializer.MAX_DEPTH_PROPERTY, "64");
    System.setProperty(ForySerializer.MAX_GRAPH_MEMORY_PROPERTY, "1048576");
    System.setProperty(ForySerializer.MAX_UNBACKED_ITEMS_PROPERTY, "0");
    assertEquals(new ForySerializer.Limits(64, 1 << 20, 0), new ForySerializer().limits());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "deep", "-5", "99999999999"})
  void aDepthPropertyOutOfRangeIsRefusedByName(String value) {
    System.setProperty(ForySerializer.MAX_DEPTH_PROPERTY, value);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, ForySerializer::new);
    assertTrue(e.getMessage().startsWith("-D" + ForySerializer.MAX_DEPTH_PROPERTY
        + " must be a whole number from 2 to"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
  }

  private static Node chain(int length) {
    Node head = new Node("0");
    for (int i = 1; i < length; i++) {
      Node next = new Node(Integer.toString(i));
      next.next = head;
      head = next;
    }
    return head;
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
