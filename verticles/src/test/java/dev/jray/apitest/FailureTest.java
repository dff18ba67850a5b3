package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTaskException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Errors in tasks and actors, as the caller sees them. */
public class FailureTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static class Fns {
    public static int oops() {
      throw new RuntimeException("Oops");
    }

    public static int plusOne(int x) {
      return x + 1;
    }

    /** Calls {@link #oops} and gets its result, so the failure passes through this task. */
    public static int callOops() {
      return Ray.task(Fns::oops).remote().get();
    }
  }

  public static class Broken {
    public Broken() {
      throw new IllegalStateException("constructor failed");
    }

    public int ping() {
      return 1;
    }
  }

  public static class Worker {
    /** Counted down when a {@link #block} call has started; opened by the test to release it. */
    public static volatile CountDownLatch started = new CountDownLatch(0);
    public static volatile CountDownLatch gate = new CountDownLatch(0);

    public Worker() {}

    public int ping() {
      return 1;
    }

    public int block() throws InterruptedException {
      started.countDown();
      return gate.await(60, TimeUnit.SECONDS) ? 2 : -2;
    }

    public int exit() {
      Ray.exitActor();
      return 3;
    }
  }

  private static void assertOopsChain(Throwable e, int expectedTaskLayers) {
    String chain = Throwables.describe(e);
    Throwable root = Throwables.root(e);
    assertEquals(RuntimeException.class, root.getClass(), chain);
    assertEquals("Oops", root.getMessage(), chain);
    assertTrue(Throwables.count(e, RayTaskException.class) >= expectedTaskLayers,
        "expected " + expectedTaskLayers + " RayTaskException layers before the root:\n" + chain);
  }

  @Test
  void taskExceptionReachesTheCaller() {
    ObjectRef<Integer> ref = Ray.task(Fns::oops).remote();
    RayTaskException e = assertThrows(RayTaskException.class, () -> ref.get(30_000));
    assertOopsChain(e, 1);
    // Every get of the failed ref throws, also through Ray.get(list).
    assertThrows(RayTaskException.class, () -> Ray.get(ref));
    assertThrows(RayTaskException.class, () -> Ray.get(List.of(ref, Ray.put(1))));
  }

  @Test
  void failedRefAsAnArgumentKeepsBothLayers() {
    ObjectRef<Integer> failed = Ray.task(Fns::oops).remote();
    ObjectRef<Integer> dependent = Ray.task(Fns::plusOne, failed).remote();
    RayTaskException e = assertThrows(RayTaskException.class, () -> dependent.get(30_000));
    assertOopsChain(e, 2);
  }

  @Test
  void failureOfANestedCallKeepsBothLayers() {
    RayTaskException e = assertThrows(RayTaskException.class,
        () -> Ray.task(Fns::callOops).remote().get(30_000));
    assertOopsChain(e, 2);
  }

  @Test
  void actorWhoseConstructorThrows() {
    ActorHandle<Broken> broken = Ray.actor(Broken::new).remote();
    RayActorException e = assertThrows(RayActorException.class,
        () -> broken.task(Broken::ping).remote().get(30_000));
    assertEquals(broken.getId(), e.getActorId(), Throwables.describe(e));
    assertThrows(RayActorException.class, () -> broken.task(Broken::ping).remote().get(30_000));
  }

  @Test
  void killWhileACallIsRunning() throws InterruptedException {
    Worker.started = new CountDownLatch(1);
    Worker.gate = new CountDownLatch(1);
    try {
      ActorHandle<Worker> worker = Ray.actor(Worker::new).remote();
      assertEquals(1, worker.task(Worker::ping).remote().get(30_000));
      ObjectRef<Integer> blocked = worker.task(Worker::block).remote();
      assertTrue(Worker.started.await(30, TimeUnit.SECONDS), "the blocking call never started");
      worker.kill();
      RayActorException e = assertThrows(RayActorException.class, () -> blocked.get(30_000));
      assertEquals(worker.getId(), e.getActorId());
      assertThrows(RayActorException.class, () -> worker.task(Worker::ping).remote().get(30_000));
    } finally {
      Worker.gate.countDown();
    }
  }

  @Test
  void killAnIdleActor() {
    ActorHandle<Worker> worker = Ray.actor(Worker::new).remote();
    assertEquals(1, worker.task(Worker::ping).remote().get(30_000));
    worker.kill();
    assertThrows(RayActorException.class, () -> worker.task(Worker::ping).remote().get(30_000));
  }

  @Test
  void exitActorEndsTheActor() {
    ActorHandle<Worker> worker = Ray.actor(Worker::new).remote();
    assertEquals(1, worker.task(Worker::ping).remote().get(30_000));
    ObjectRef<Integer> exiting = worker.task(Worker::exit).remote();
    assertThrows(RayActorException.class, () -> exiting.get(30_000));
    assertThrows(RayActorException.class, () -> worker.task(Worker::ping).remote().get(30_000));
  }

  @Test
  void exitActorOutsideAnActorIsAnError() {
    Throwable t = assertThrows(Throwable.class, Ray::exitActor);
    assertTrue(t instanceof RuntimeException, Throwables.describe(t));
    // The driver is unaffected.
    assertEquals(2, Ray.task(Fns::plusOne, 1).remote().get(30_000));
  }
}
