package dev.jray.gcs.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jray.gcs.serialization.Fixtures.Animal;
import dev.jray.gcs.serialization.Fixtures.Dog;
import dev.jray.gcs.serialization.Fixtures.Holder;
import dev.jray.gcs.serialization.Fixtures.Kennel;
import dev.jray.gcs.serialization.Fixtures.Node;
import dev.jray.gcs.serialization.Fixtures.NotSerializablePayload;
import dev.jray.gcs.serialization.Fixtures.Token;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FstSerializerTest {
  /** All FST 2.57 needs on Java 17, each one checked; the parent pom's jray.addOpens has them. */
  private static final List<String> ADD_OPENS =
      List.of(
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/java.util=ALL-UNNAMED",
          "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens", "java.base/java.math=ALL-UNNAMED",
          "--add-opens", "java.base/java.net=ALL-UNNAMED",
          "--add-opens", "java.base/java.text=ALL-UNNAMED");

  @Test
  void withoutAddOpensTheErrorNamesTheMissingFlag() {
    assumeFalse(
        Object.class.getModule().isOpen("java.lang", FstSerializerTest.class.getModule()),
        "this JVM already opens java.lang");
    SerializationException e = assertThrows(SerializationException.class, FstSerializer::new);
    assertTrue(
        e.getMessage().contains("--add-opens java.base/java.lang=ALL-UNNAMED"), e::getMessage);
  }

  @Test
  void roundTripsInAJvmWithTheAddOpensFlags() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(ADD_OPENS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(FstSerializerTest.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("FST OK"), output);
  }

  /** Runs in the child JVM started above; any failed assertion makes it exit non-zero. */
  public static void main(String[] args) {
    ClassLoader loader = FstSerializerTest.class.getClassLoader();
    Serializer fst = new FstSerializer();
    assertEquals("fst", fst.name());

    Map<String, Object> map = new HashMap<>(Map.of("k", List.of(1L, 2.5d)));
    Kennel kennel = new Kennel(new Dog("rex", "collie"), new Animal("tom"));
    for (Object value : List.of(42, "héllo", map, kennel)) {
      assertEquals(value, fst.deserialize(fst.serialize(value), loader));
    }
    assertNull(fst.deserialize(fst.serialize(null), loader));
    byte[] bytes = {1, 2, 3};
    assertArrayEquals(bytes, (byte[]) fst.deserialize(fst.serialize(bytes), loader));

    Node a = new Node("a");
    a.next = new Node("b");
    a.next.next = a;
    Node back = (Node) fst.deserialize(ByteBuffer.wrap(fst.serialize(a)), loader);
    assertSame(back, back.next.next);

    Token token = Token.of("t");
    byte[] tokenBytes = fst.serialize(token);
    Token.REGISTRY.clear();
    Object resolved = fst.deserialize(tokenBytes, loader);
    assertSame(Token.REGISTRY.get("t"), resolved); // readResolve re-registered it

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> fst.serialize(new Holder(new NotSerializablePayload())));
    assertTrue(e.getMessage().contains(NotSerializablePayload.class.getName()), e::getMessage);
    System.out.println("FST OK");
  }
}
