package dev.jray.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.ActorId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the API checks by itself, before any runtime is involved: there is no runtime on this
 * module's test classpath.
 */
class WithoutRuntimeTest {

  public static int one() {
    return 1;
  }

  public static int plusOne(int x) {
    return x + 1;
  }

  public static class Actor {
    public Actor() {}

    public int get() {
      return 0;
    }
  }

  @Test
  void initWithoutRuntimeFailsClearly() {
    assertFalse(Ray.isInitialized());
    IllegalStateException e = assertThrows(IllegalStateException.class, Ray::init);
    assertTrue(e.getMessage().contains("jray-verticles"), e.getMessage());
    assertFalse(Ray.isInitialized());
    Ray.shutdown(); // harmless when not initialized
  }

  @Test
  void callsBeforeInitFailClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ray.put(1));
    assertTrue(e.getMessage().contains("Ray.init()"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Ray.task(WithoutRuntimeTest::one).remote());
    assertThrows(IllegalStateException.class, () -> Ray.actor(Actor::new).remote());
    assertThrows(IllegalStateException.class, Ray::getRuntimeContext);
  }

  @Test
  void argumentChecksComeFirst() {
    assertThrows(NullPointerException.class, () -> Ray.wait(null));
    assertThrows(NullPointerException.class, () -> Ray.wait(null, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> Ray.wait(List.of(fakeRef()), 2, 100));
    assertThrows(IllegalArgumentException.class, () -> Ray.wait(List.of(fakeRef()), -1, 100));
    assertThrows(NullPointerException.class, () -> Ray.get((ObjectRef<Object>) null));
  }

  @Test
  void waitOnAnEmptyListGivesTwoEmptyLists() {
    // as Ray: whatever numReturns, and without a runtime
    WaitResult<Object> r = Ray.wait(new ArrayList<>(), 3, 100);
    assertTrue(r.getReady().isEmpty() && r.getUnready().isEmpty());
  }

  @Test
  void taskOptionsAreValidatedAtTheCall() {
    assertThrows(IllegalArgumentException.class,
        () -> Ray.task(WithoutRuntimeTest::plusOne, 1).setResource("CPU", -1.0));
    assertThrows(IllegalArgumentException.class,
        () -> Ray.task(WithoutRuntimeTest::plusOne, 1).setResource("CPU", 3.5));
    assertThrows(IllegalArgumentException.class,
        () -> Ray.task(WithoutRuntimeTest::one).setMaxRetries(-2));
    Ray.task(WithoutRuntimeTest::one).setResource("CPU", 0.5).setResource("GPU", 2.0);
  }

  @Test
  void actorOptionsAreValidatedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Actor::new).setMaxConcurrency(0));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Actor::new).setMaxPendingCalls(0));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Actor::new).setResource("CPU", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Ray.actor(Actor::new).setName(""));
    Ray.actor(Actor::new).setMaxConcurrency(2).setMaxPendingCalls(1).setResource("CPU", 0.0);
  }

  @Test
  void waitResultCopiesItsLists() {
    List<ObjectRef<Integer>> ready = new ArrayList<>();
    WaitResult<Integer> r = new WaitResult<>(ready, List.of());
    ready.add(new FakeRef());
    assertEquals(0, r.getReady().size());
    assertThrows(UnsupportedOperationException.class, () -> r.getUnready().add(new FakeRef()));
    assertEquals("WaitResult{ready=0, unready=0}", r.toString());
  }

  private static final class FakeRef implements ObjectRef<Integer> {
    @Override
    public Integer get() {
      return 1;
    }

    @Override
    public Integer get(long timeoutMs) {
      return 1;
    }

    @Override
    public dev.jray.api.id.ObjectId getId() {
      return dev.jray.api.id.ObjectId.NIL;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Integer> toCompletableFuture() {
      return java.util.concurrent.CompletableFuture.completedFuture(1);
    }
  }

  @Test
  void exceptionHierarchy() {
    ActorId id = ActorId.NIL;
    RayActorException e = new RayActorException(id, "it died", null);
    assertTrue(e.getMessage().contains(id.toHex()));
    assertTrue(e.getMessage().contains("it died"));
    assertEquals(id, e.getActorId());
    assertTrue(RayException.class.isAssignableFrom(RayTaskException.class));
    assertTrue(RuntimeException.class.isAssignableFrom(RayException.class));
  }

  private static ObjectRef<Object> fakeRef() {
    return new ObjectRef<>() {
      @Override
      public Object get() {
        return null;
      }

      @Override
      public Object get(long timeoutMs) {
        return null;
      }

      @Override
      public dev.jray.api.id.ObjectId getId() {
        return null;
      }

      @Override
      public java.util.concurrent.CompletableFuture<Object> toCompletableFuture() {
        return null;
      }
    };
  }
}
