package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayTaskException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Results that cannot be stored: larger than the whole object store, or needing room that only
 * a spill could make while spilling fails (its directory is gone). Each fails its own call with
 * an error naming the cause, and the node keeps serving: the next tasks get the CPUs back, and a
 * single-threaded actor keeps answering. The node has a 32 MiB store and 2 CPUs.
 */
public class StoreFailureTest {
  private static final long STORE_BYTES = 32L << 20;
  /** Every wait is bounded: a hang shows as a timeout, not a stuck build. */
  private static final long GET_TIMEOUT_MS = 30_000;
  private static final Map<String, String> PROPERTIES = Map.of(
      "jray.object-store-memory", Long.toString(STORE_BYTES), "jray.num-cpus", "2");
  private static final Map<String, String> before = new HashMap<>();
  private static Path tmp;

  @BeforeAll
  static void init() throws IOException {
    tmp = Files.createTempDirectory("jray-store-failure-");
    before.put("java.io.tmpdir", System.getProperty("java.io.tmpdir"));
    System.setProperty("java.io.tmpdir", tmp.toString()); // the store spills under it
    PROPERTIES.forEach((k, v) -> {
      before.put(k, System.getProperty(k));
      System.setProperty(k, v);
    });
    try {
      Ray.init();
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  @AfterAll
  static void shutdown() throws IOException {
    Ray.shutdown();
    try (Stream<Path> files = Files.walk(tmp)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  public static class Fns {
    public static byte[] bytes(int size) {
      byte[] b = new byte[size];
      b[size - 1] = 7;
      return b;
    }

    public static int plusOne(int x) {
      return x + 1;
    }
  }

  public static class Keeper {
    public Keeper() {}

    public byte[] bytes(int size) {
      return Fns.bytes(size);
    }

    public int ping() {
      return 1;
    }
  }

  @Test
  void aResultLargerThanTheStoreFailsItsTaskAndTheNextTasksRun() {
    // more failing tasks than CPUs: a leaked reservation would starve the task after them
    List<ObjectRef<byte[]>> tooLarge = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tooLarge.add(Ray.task(Fns::bytes, (int) STORE_BYTES + (1 << 20)).remote());
    }
    for (ObjectRef<byte[]> ref : tooLarge) {
      RayTaskException e = assertThrows(RayTaskException.class, () -> ref.get(GET_TIMEOUT_MS));
      assertTrue(Throwables.describe(e).contains("could not be stored")
          && Throwables.describe(e).contains("object store is full"), Throwables.describe(e));
    }
    List<ObjectRef<Integer>> next = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      next.add(Ray.task(Fns::plusOne, i).remote());
    }
    assertEquals(List.of(1, 2, 3, 4, 5), Ray.get(next, GET_TIMEOUT_MS));
  }

  @Test
  void anActorWhoseResultCannotBeStoredKeepsAnswering() {
    ActorHandle<Keeper> keeper = Ray.actor(Keeper::new).remote();
    ObjectRef<byte[]> tooLarge = keeper.task(Keeper::bytes, (int) STORE_BYTES + 1).remote();
    ObjectRef<Integer> after = keeper.task(Keeper::ping).remote();
    RayTaskException e = assertThrows(RayTaskException.class, () -> tooLarge.get(GET_TIMEOUT_MS));
    assertTrue(Throwables.describe(e).contains("object store is full"), Throwables.describe(e));
    assertEquals(1, after.get(GET_TIMEOUT_MS));
    assertEquals(1, keeper.task(Keeper::ping).remote().get(GET_TIMEOUT_MS));
  }

  @Test
  void aResultThatNeedsAFailingSpillFailsItsTaskAndTheStoredObjectStays() throws IOException {
    ObjectRef<byte[]> kept = Ray.put(Fns.bytes(20 << 20));
    deleteSpillDirectories(); // spilling now fails: its file cannot be created
    ObjectRef<byte[]> needsSpill = Ray.task(Fns::bytes, 20 << 20).remote();
    RayTaskException e = assertThrows(RayTaskException.class, () -> needsSpill.get(GET_TIMEOUT_MS));
    assertTrue(Throwables.describe(e).contains("cannot spill"), Throwables.describe(e));
    assertArrayEquals(Fns.bytes(20 << 20), kept.get(GET_TIMEOUT_MS));
    assertEquals(8, Ray.task(Fns::plusOne, 7).remote().get(GET_TIMEOUT_MS));
  }

  private static void deleteSpillDirectories() throws IOException {
    List<Path> spill;
    try (Stream<Path> dirs = Files.list(tmp)) {
      spill = dirs.filter(p -> p.getFileName().toString().startsWith("jray-spill-")).toList();
    }
    assertEquals(1, spill.size(), "the node's spill directory under " + tmp);
    try (Stream<Path> files = Files.walk(spill.get(0))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
