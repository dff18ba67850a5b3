package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.UnreconstructableException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code Ray.internal().free(refs, localOnly)}: freed objects cannot be read any more. */
public class FreeTest {
  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static byte[] bytes(int n) {
    byte[] b = new byte[n];
    b[n - 1] = 7;
    return b;
  }

  public static int lastOf(byte[] b) {
    return b[b.length - 1];
  }

  @Test
  void aFreedPutCannotBeReadThoughItsRefRemains() {
    ObjectRef<String> ref = Ray.put("value");
    assertEquals("value", ref.get());
    Ray.internal().free(List.of(ref), false);
    UnreconstructableException e = assertThrows(UnreconstructableException.class, ref::get);
    assertEquals(ref.getId(), e.objectId);
    assertTrue(e.getMessage().contains("freed"), e.getMessage());
  }

  @Test
  void aFreedStoredResultIsNotRebuilt() {
    ObjectRef<byte[]> big = Ray.task(FreeTest::bytes, 4 << 20).remote();
    assertEquals(7, big.get()[(4 << 20) - 1]);
    Ray.internal().free(List.of(big), false);
    assertThrows(UnreconstructableException.class, big::get,
        "a freed result is gone: its lineage is not run again");
  }

  @Test
  void aTaskGivenAFreedRefFails() {
    ObjectRef<byte[]> big = Ray.put(bytes(2 << 20));
    Ray.internal().free(List.of(big), false);
    RayTaskException e = assertThrows(RayTaskException.class,
        () -> Ray.task(FreeTest::lastOf, big).remote().get());
    assertTrue(e.getMessage().contains("freed"), e.getMessage());
  }

  @Test
  void localOnlyStillFreesAnObjectOwnedHere() {
    ObjectRef<byte[]> ref = Ray.put(bytes(3 << 20));
    Ray.internal().free(List.of(ref), true);
    assertThrows(UnreconstructableException.class, ref::get);
  }

  @Test
  void freeingTwiceOrNothingIsHarmlessAndOtherObjectsStay() {
    ObjectRef<String> kept = Ray.put("kept");
    ObjectRef<String> freed = Ray.put("freed");
    Ray.internal().free(List.of(freed), false);
    Ray.internal().free(List.of(freed), false);
    Ray.internal().free(List.of(), false);
    assertEquals("kept", kept.get());
    assertArrayEquals(new byte[] {0, 7}, Ray.put(bytes(2)).get());
    assertThrows(UnreconstructableException.class, freed::get);
  }
}
