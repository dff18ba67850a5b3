package dev.jray.gcs.serialization;

import static java.nio.channels.FileChannel.MapMode.READ_ONLY;
import static java.nio.channels.FileChannel.MapMode.READ_WRITE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RayException;
import dev.jray.gcs.serialization.Fixtures.Animal;
import dev.jray.gcs.serialization.Fixtures.Color;
import dev.jray.gcs.serialization.Fixtures.Dog;
import dev.jray.gcs.serialization.Fixtures.Holder;
import dev.jray.gcs.serialization.Fixtures.HolderWithNullField;
import dev.jray.gcs.serialization.Fixtures.Kennel;
import dev.jray.gcs.serialization.Fixtures.Node;
import dev.jray.gcs.serialization.Fixtures.NotSerializablePayload;
import dev.jray.gcs.serialization.Fixtures.Point;
import dev.jray.gcs.serialization.Fixtures.Replaced;
import dev.jray.gcs.serialization.Fixtures.ReplacedForm;
import dev.jray.gcs.serialization.Fixtures.Token;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.apache.fory.Fory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Language;
import org.apache.fory.memory.MemoryBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ForySerializerTest {
  private static final ClassLoader LOADER = ForySerializerTest.class.getClassLoader();

  private final ForySerializer serializer = new ForySerializer();

  private Object roundTrip(Object value) {
    return serializer.deserialize(serializer.serialize(value), LOADER);
  }

  static Stream<Object> values() {
    byte[] tenMegabytes = new byte[10 << 20];
    new Random(7).nextBytes(tenMegabytes);
    Map<String, Integer> ordered = new LinkedHashMap<>();
    ordered.put("z", 1);
    ordered.put("a", 2);
    return Stream.of(
        42,
        42L,
        3.25d,
        true,
        "héllo ✓",
        new ArrayList<>(List.of(1, "two", 3.0)),
        new HashMap<>(Map.of("one", 1, "two", 2)),
        ordered,
        new byte[] {1, -2, 3},
        new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE},
        tenMegabytes,
        new Point(3, -4),
        Color.GREEN);
  }

  @ParameterizedTest
  @MethodSource("values")
  void roundTripsExactly(Object value) {
    Object back = roundTrip(value);
    assertSame(value.getClass(), back.getClass());
    assertTrue(Arrays.deepEquals(new Object[] {value}, new Object[] {back}), () -> "got " + back);
  }

  @Test
  void roundTripsNullAndKeepsMapOrder() {
    assertNull(roundTrip(null));
    Map<String, Integer> ordered = new LinkedHashMap<>();
    ordered.put("z", 1);
    ordered.put("a", 2);
    assertEquals(List.of("z", "a"), new ArrayList<>(((Map<?, ?>) roundTrip(ordered)).keySet()));
  }

  @Test
  void roundTripsImmutableAndViewCollections() {
    assertEquals(List.of(1, 2), roundTrip(List.of(1, 2)));
    assertEquals(Map.of("k", "v"), roundTrip(Map.of("k", "v")));
    // HashMap.keySet() is not Serializable, but JDK collections are accepted.
    assertEquals(Set.of(1, 2), roundTrip(new HashMap<>(Map.of(1, "a", 2, "b")).keySet()));
  }

  @Test
  void roundTripsNestedUserClassesAndHierarchies() {
    Kennel kennel = new Kennel(new Dog("rex", "collie"), new Animal("tom"), new Dog("fido", "pug"));
    Kennel back = (Kennel) roundTrip(kennel);
    assertEquals(kennel, back);
    assertSame(Dog.class, back.resident.getClass());
    assertEquals("collie", ((Dog) back.resident).breed);
    assertEquals("pug", ((Dog) back.byName.get("fido")).breed);
  }

  @Test
  void preservesCyclesAndSharedReferences() {
    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    Node back = (Node) roundTrip(a);
    assertEquals("b", back.next.name);
    assertSame(back, back.next.next);

    Node deep = new Node("0");
    for (int i = 1; i < 1000; i++) {
      Node next = new Node(Integer.toString(i));
      next.next = deep;
      deep = next;
    }
    Node deepBack = (Node) roundTrip(deep);
    int length = 0;
    for (Node n = deepBack; n != null; n = n.next) {
      length++;
    }
    assertEquals(1000, length);

    List<Object> self = new ArrayList<>();
    self.add(self);
    List<?> selfBack = (List<?>) roundTrip(self);
    assertSame(selfBack, selfBack.get(0));

    Animal shared = new Animal("shared");
    List<?> pair = (List<?>) roundTrip(new ArrayList<>(List.of(shared, shared)));
    assertSame(pair.get(0), pair.get(1));
  }

  @Test
  void rejectsAReachableNonSerializableClassNamingIt() {
    for (Object value :
        List.of(
            new Holder(new NotSerializablePayload()),
            new ArrayList<>(List.of(new NotSerializablePayload())),
            new Object[] {new NotSerializablePayload()})) {
      // Twice: the verdict is cached per class and must stay a failure.
      for (int attempt = 0; attempt < 2; attempt++) {
        SerializationException e =
            assertThrows(SerializationException.class, () -> serializer.serialize(value));
        String prefix = "cannot serialize value of class " + value.getClass().getName();
        assertTrue(e.getMessage().startsWith(prefix), e::getMessage);
        assertTrue(
            e.getMessage()
                .contains(
                    "class "
                        + NotSerializablePayload.class.getName()
                        + " does not implement java.io.Serializable"),
            e::getMessage);
        assertInstanceOf(RayException.class, e);
      }
    }
    SerializationException top =
        assertThrows(
            SerializationException.class, () -> serializer.serialize(new NotSerializablePayload()));
    assertTrue(top.getMessage().contains(NotSerializablePayload.class.getName()), top::getMessage);
  }

  @Test
  void rejectsThreadsAndSockets() throws Exception {
    SerializationException thread =
        assertThrows(
            SerializationException.class,
            () -> serializer.serialize(new Holder(Thread.currentThread())));
    assertTrue(thread.getMessage().contains("java.lang.Thread"), thread::getMessage);
    try (Socket socket = new Socket()) {
      SerializationException e =
          assertThrows(
              SerializationException.class, () -> serializer.serialize(new Holder(socket)));
      assertTrue(e.getMessage().contains("java.net.Socket"), e::getMessage);
    }
  }

  @Test
  void acceptsANullFieldOfANonSerializableType() {
    HolderWithNullField back = (HolderWithNullField) roundTrip(new HolderWithNullField());
    assertNull(back.unused);
    assertEquals("kept", back.text);
  }

  @Test
  void rejectsANonSerializableClassWhenReadingToo() {
    // Bytes from a peer that doesn't check, e.g. a plain Fory with the same wire settings.
    byte[] bytes =
        Fory.builder()
            .withLanguage(Language.JAVA)
            .withRefTracking(true)
            .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT)
            .withClassVersionCheck(true)
            .requireClassRegistration(false)
            .build()
            .serialize(new NotSerializablePayload());
    SerializationException e =
        assertThrows(SerializationException.class, () -> serializer.deserialize(bytes, LOADER));
    assertTrue(e.getMessage().startsWith("cannot deserialize value"), e::getMessage);
    assertTrue(e.getMessage().contains(NotSerializablePayload.class.getName()), e::getMessage);
  }

  @Test
  void callsReadResolveOnDeserialization() {
    Token a = Token.of("a");
    byte[] bytes = serializer.serialize(new ArrayList<>(List.of(a, a, Token.of("b"))));
    // As when a reference arrives in a fresh worker: readResolve must re-register it.
    Token.REGISTRY.clear();
    int resolvedBefore = Token.RESOLVED.get();

    List<?> back = (List<?>) serializer.deserialize(bytes, LOADER);

    assertEquals(2, Token.RESOLVED.get() - resolvedBefore);
    assertNotSame(a, back.get(0));
    assertSame(Token.REGISTRY.get("a"), back.get(0));
    assertSame(back.get(0), back.get(1));
    assertSame(Token.REGISTRY.get("b"), back.get(2));
  }

  @Test
  void callsWriteReplaceAndReadResolveOfTheReplacement() {
    int replacedBefore = Replaced.REPLACED.get();
    int resolvedBefore = ReplacedForm.RESOLVED.get();
    Replaced back = (Replaced) roundTrip(new Replaced(17));
    assertEquals(17, back.value);
    assertEquals(1, Replaced.REPLACED.get() - replacedBefore);
    assertEquals(1, ReplacedForm.RESOLVED.get() - resolvedBefore);
  }

  @Test
  void readsFromPositionToLimitOfHeapDirectAndReadOnlyBuffers() {
    Kennel value = new Kennel(new Dog("rex", "collie"), new Animal("tom"));
    byte[] bytes = serializer.serialize(value);
    byte[] padded = new byte[bytes.length + 16];
    Arrays.fill(padded, (byte) 0x7f);
    System.arraycopy(bytes, 0, padded, 5, bytes.length);

    ByteBuffer heap = ByteBuffer.wrap(padded, 5, bytes.length);
    ByteBuffer direct = ByteBuffer.allocateDirect(padded.length).put(padded);
    direct.position(5).limit(5 + bytes.length);
    for (ByteBuffer buffer : List.of(heap, direct, heap.asReadOnlyBuffer())) {
      assertEquals(value, serializer.deserialize(buffer, LOADER));
      assertEquals(5, buffer.position());
    }
  }

  @Test
  void readsA512MegabyteValueFromAMappedFileAllocatingOnlyTheResult(@TempDir Path dir)
      throws Exception {
    int size = 512 << 20;
    byte[] value = new byte[size];
    for (int i = 0; i < size; i += 4093) {
      value[i] = (byte) i;
    }
    Path file = dir.resolve("value");
    long length;
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
      MappedByteBuffer out = channel.map(READ_WRITE, 0, size + 64);
      // Written straight into the mapping, as an object store would: the test needs no heap copy.
      MemoryBuffer written =
          serializer.fory(LOADER).serialize(MemoryBuffer.fromByteBuffer(out), value);
      length = written.writerIndex();
      assertTrue(length <= size + 64, "the value did not fit the mapping");
    }
    value = null;

    try (FileChannel channel = FileChannel.open(file, READ)) {
      MappedByteBuffer in = channel.map(READ_ONLY, 0, length);
      ByteBuffer small = ByteBuffer.allocateDirect(64).put(serializer.serialize(new byte[1]));
      serializer.deserialize(small.flip(), LOADER); // warm up: the measurement is of the read only
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();

      byte[] back = (byte[]) serializer.deserialize(in, LOADER);

      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertEquals(size, back.length);
      assertTrue(allocated < size + (1 << 20), () -> "allocated " + allocated + " bytes");
      for (int i = 0; i < size; i++) {
        if (back[i] != (i % 4093 == 0 ? (byte) i : 0)) {
          throw new AssertionError("byte " + i + " is " + back[i]);
        }
      }
    }
  }

  @Test
  void resolvesClassesThroughTheGivenLoaderOnePerLoader(@TempDir Path dir) throws Exception {
    ClassLoader v1 = jobLoader(dir.resolve("v1"), "v1", "");
    ClassLoader v2 = jobLoader(dir.resolve("v2"), "v2", "");
    ClassLoader v3 = jobLoader(dir.resolve("v3"), "v3", "private String added;");
    Object payload = v1.loadClass("job.Payload").getConstructor(int.class).newInstance(5);

    byte[] bytes;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(v1); // as the runtime does while running the job's code
    try {
      bytes = serializer.serialize(payload);
    } finally {
      thread.setContextClassLoader(previous);
    }

    Object inV1 = serializer.deserialize(bytes, v1);
    Object inV2 = serializer.deserialize(bytes, v2);
    assertSame(v1, inV1.getClass().getClassLoader());
    assertSame(v2, inV2.getClass().getClassLoader());
    assertEquals("v1:5", inV1.toString());
    assertEquals("v2:5", inV2.toString());

    SerializationException missing =
        assertThrows(SerializationException.class, () -> serializer.deserialize(bytes, LOADER));
    assertTrue(missing.getMessage().contains("job.Payload"), missing::getMessage);
    SerializationException changed =
        assertThrows(SerializationException.class, () -> serializer.deserialize(bytes, v3));
    assertTrue(changed.getMessage().contains("job.Payload"), changed::getMessage);

    assertSame(serializer.fory(v1), serializer.fory(v1));
    assertNotSame(serializer.fory(v1), serializer.fory(v2));
  }

  /** A loader holding a freshly compiled {@code job.Payload} whose toString is "version:n". */
  private static ClassLoader jobLoader(Path dir, String version, String extraField)
      throws Exception {
    Path source = dir.resolve("job/Payload.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        "package job;\n"
            + "public class Payload implements java.io.Serializable {\n"
            + "  private final int n;\n"
            + extraField
            + "  public Payload(int n) { this.n = n; }\n"
            + "  @Override public String toString() { return \""
            + version
            + ":\" + n; }\n"
            + "}\n",
        StandardCharsets.UTF_8);
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", dir.toString(), source.toString());
    assertEquals(0, status, "javac failed");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, LOADER);
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int task = 0; task < 64; task++) {
        int id = task;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    Kennel value = new Kennel(new Dog("d" + id, "b" + i), new Animal("a" + i));
                    assertEquals(value, roundTrip(value));
                  }
                }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void needsNoAddOpens() {
    // Every test here runs in a JVM that opens nothing, so Fory must work without the flags.
    Module self = ForySerializerTest.class.getModule();
    assertFalse(Object.class.getModule().isOpen("java.lang", self));
    assertFalse(Object.class.getModule().isOpen("java.util", self));
    assertEquals(new Kennel(new Animal("x")), roundTrip(new Kennel(new Animal("x"))));
  }

  @Test
  void isNamedFory() {
    assertEquals("fory", serializer.name());
  }
}
