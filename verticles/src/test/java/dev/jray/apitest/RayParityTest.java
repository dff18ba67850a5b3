package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.exception.ActorUnavailableException;
import dev.jray.api.exception.CrossLanguageException;
import dev.jray.api.exception.PendingCallsLimitExceededException;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayIntentionalSystemExitException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.exception.RayTimeoutException;
import dev.jray.api.exception.RayWorkerException;
import dev.jray.api.exception.RuntimeEnvException;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.TaskId;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import dev.jray.gcs.time.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ray Java API names and behaviours that a Ray program relies on, on an embedded cluster. */
public class RayParityTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** An actor that reports its own id from the calling thread and from a thread it starts. */
  public static class SelfAware {
    public String idHere() {
      return Ray.getRuntimeContext().getCurrentActorId().toString();
    }

    public String idOnAThreadItStarts() throws InterruptedException {
      AtomicReference<String> seen = new AtomicReference<>();
      Thread t = new Thread(() -> seen.set(Ray.getRuntimeContext().getCurrentActorId().toString()));
      t.start();
      t.join();
      return seen.get();
    }

    public int callMyselfThroughMyHandle() {
      ActorHandle<SelfAware> me = Ray.getRuntimeContext().getCurrentActorHandle();
      // the call queues behind this one: hand the ref back instead of waiting on it here
      return me.getId().equals(Ray.getRuntimeContext().getCurrentActorId()) ? 1 : 0;
    }

    public String taskIdInAnExecutor() throws Exception {
      ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
      });
      try {
        // the pool's thread is started by this call's thread, so it is the actor's; wrapCallable
        // also carries the task id, which a thread does not inherit
        Callable<String> task = Ray.wrapCallable(() -> Ray.getRuntimeContext().getCurrentTaskId().toString());
        return pool.submit(task).get(30, TimeUnit.SECONDS) + "/"
            + Ray.getRuntimeContext().getCurrentTaskId();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aThreadAnActorMethodStartsRunsAsTheActor() {
    ActorHandle<SelfAware> actor = Ray.actor(SelfAware::new).remote();
    String id = actor.task(SelfAware::idHere).remote().get(30_000);
    assertEquals(actor.getId().toString(), id);
    assertEquals(id, actor.task(SelfAware::idOnAThreadItStarts).remote().get(30_000));
    assertEquals(1, actor.task(SelfAware::callMyselfThroughMyHandle).remote().get(30_000));
    String[] ids = actor.task(SelfAware::taskIdInAnExecutor).remote().get(30_000).split("/");
    assertEquals(ids[1], ids[0], "wrapCallable carries the task's id to the pool's thread");
  }

  @Test
  void aDriverThreadRunsAsTheDriverAndAsyncContextsMove() throws Exception {
    TaskId driverTask = Ray.getRuntimeContext().getCurrentTaskId();
    Object context = Ray.getAsyncContext();
    AtomicReference<TaskId> seen = new AtomicReference<>();
    Thread t = new Thread(() -> {
      Ray.setAsyncContext(context);
      seen.set(Ray.getRuntimeContext().getCurrentTaskId());
    });
    t.start();
    t.join();
    assertEquals(driverTask, seen.get());
    assertThrows(IllegalArgumentException.class, () -> Ray.setAsyncContext("not a context"));
    AtomicReference<TaskId> wrapped = new AtomicReference<>();
    Runnable r = Ray.wrapRunnable(() -> wrapped.set(Ray.getRuntimeContext().getCurrentTaskId()));
    Thread u = new Thread(r);
    u.start();
    u.join();
    assertEquals(driverTask, wrapped.get());
  }

  @Test
  void getCurrentActorHandleOutsideAnActorSaysSo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Ray.getRuntimeContext().getCurrentActorHandle());
    assertTrue(e.getMessage().contains("actor"), e.getMessage());
    assertFalse(Ray.getRuntimeContext().isLocalMode());
  }

  @Test
  void getActorHasRaysGenericSignature() {
    ActorHandle<SelfAware> named = Ray.actor(SelfAware::new).setName("parity-named").remote();
    Optional<ActorHandle<SelfAware>> found = Ray.getActor("parity-named");
    assertTrue(found.isPresent());
    assertEquals(named.getId(), found.get().getId());
    assertEquals(named.getId().toString(), found.get().task(SelfAware::idHere).remote().get(30_000));
    Optional<ActorHandle<SelfAware>> none = Ray.getActor("parity-none");
    assertFalse(none.isPresent());
  }

  @Test
  void aGlobalPlacementGroupIsFoundByName() {
    PlacementGroup group = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setName("parity-group").setBundles(List.of(Map.of("CPU", 0.1)))
        .setStrategy(PlacementStrategy.PACK).build());
    try {
      assertTrue(group.wait(30));
      assertEquals(group.getId(), PlacementGroups.getGlobalPlacementGroup("parity-group").getId());
      assertNull(PlacementGroups.getGlobalPlacementGroup("parity-no-group"));
    } finally {
      PlacementGroups.removePlacementGroup(group.getId());
    }
  }

  /** What held calls wait for; each test that holds calls makes a fresh one and opens it. */
  static volatile CountDownLatch gate = new CountDownLatch(0);

  public static int heldUntilTheGateOpens() throws InterruptedException {
    return gate.await(60, TimeUnit.SECONDS) ? 1 : 0;
  }

  public static int failNow() {
    throw new IllegalStateException("failed on purpose");
  }

  @Test
  void getOfAListThrowsTheFirstFailureWithoutWaitingForTheRest() {
    gate = new CountDownLatch(1);
    try {
      ObjectRef<Integer> held = Ray.task(RayParityTest::heldUntilTheGateOpens).remote();
      ObjectRef<Integer> failing = Ray.task(RayParityTest::failNow).remote();
      RayTaskException e = assertThrows(RayTaskException.class,
          () -> Ray.get(List.of(held, failing), 50_000));
      assertEquals(1, gate.getCount(), "it threw while the held task still ran");
      assertTrue(String.valueOf(e.getCause()).contains("failed on purpose"), String.valueOf(e));
    } finally {
      gate.countDown();
    }
  }

  /** An actor whose restarted instance is constructed only once the gate opens. */
  public static class SlowToRestart {
    public SlowToRestart() throws InterruptedException {
      if (Ray.getRuntimeContext().wasCurrentActorRestarted()) {
        gate.await(30, TimeUnit.SECONDS);
      }
    }

    public int ping() {
      return 1;
    }
  }

  @Test
  void aCallToARestartingActorFailsFastUnlessItHasTaskRetries() {
    gate = new CountDownLatch(1);
    try {
      ActorHandle<SlowToRestart> atMostOnce = Ray.actor(SlowToRestart::new).setMaxRestarts(1)
          .remote();
      assertEquals(1, atMostOnce.task(SlowToRestart::ping).remote().get(30_000));
      atMostOnce.kill(false);
      // until the restart is seen, a call reaches the old instance or fails at once
      RayActorException fast = null;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (fast == null && System.nanoTime() < deadline) {
        try {
          atMostOnce.task(SlowToRestart::ping).remote().get(30_000);
        } catch (RayActorException e) {
          fast = e;
        }
      }
      assertTrue(fast != null, "no call failed while the actor restarted");
      assertEquals(atMostOnce.getId(), fast.actorId);
      assertEquals(1, gate.getCount(), "it failed while the new instance was still held back");
      gate.countDown();
      AtomicInteger answer = new AtomicInteger();
      Await.until("the restarted actor answers", Duration.ofSeconds(30), () -> {
        try {
          answer.set(atMostOnce.task(SlowToRestart::ping).remote().get(30_000));
          return true;
        } catch (RayActorException stillRestarting) {
          return false;
        }
      });
      assertEquals(1, answer.get(), "a call once it is ALIVE again runs");

      gate = new CountDownLatch(1);
      ActorHandle<SlowToRestart> retrying = Ray.actor(SlowToRestart::new).setMaxRestarts(1)
          .setMaxTaskRetries(-1).remote();
      assertEquals(1, retrying.task(SlowToRestart::ping).remote().get(30_000));
      retrying.kill(false); // sent before or during the restart, the call waits for the new instance
      ObjectRef<Integer> waiting = retrying.task(SlowToRestart::ping).remote();
      gate.countDown();
      assertEquals(1, waiting.get(30_000), "with task retries a call made while it restarts waits");
    } finally {
      gate.countDown();
    }
  }

  /** Holds each call until the gate opens. */
  public static class Slow {
    public int hold() throws InterruptedException {
      return heldUntilTheGateOpens();
    }
  }

  public static String callFromATask(ActorHandle<Slow> slow) {
    try {
      slow.task(Slow::hold).remote();
      return "accepted";
    } catch (PendingCallsLimitExceededException e) {
      return "refused: " + e.getMessage();
    }
  }

  @Test
  void maxPendingCallsCountsPerCaller() {
    gate = new CountDownLatch(1);
    try {
      ActorHandle<Slow> slow = Ray.actor(Slow::new).setMaxConcurrency(4).setMaxPendingCalls(2)
          .remote();
      List<ObjectRef<Integer>> held = List.of(slow.task(Slow::hold).remote(),
          slow.task(Slow::hold).remote());
      PendingCallsLimitExceededException full = assertThrows(
          PendingCallsLimitExceededException.class, () -> slow.task(Slow::hold).remote());
      assertEquals(slow.getId(), full.actorId, "Ray's public actorId field names the actor");
      assertEquals("accepted", Ray.task(RayParityTest::callFromATask, slow).remote().get(30_000),
          "a task's calls are not refused for the driver's");
      gate.countDown();
      assertEquals(List.of(1, 1), Ray.get(held, 30_000));
      assertEquals(1, slow.task(Slow::hold).remote().get(30_000));
    } finally {
      gate.countDown();
    }
  }

  public static ByteBuffer reversed(ByteBuffer in) {
    byte[] bytes = new byte[in.remaining()];
    in.get(bytes);
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[bytes.length - 1 - i];
    }
    return ByteBuffer.wrap(out);
  }

  @Test
  void aByteBufferIsAnArgumentAndAReturnValue() {
    ByteBuffer in = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    ByteBuffer out = Ray.task(RayParityTest::reversed, in).remote().get(30_000);
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    assertArrayEquals(new byte[] {4, 3, 2, 1}, bytes);
    ByteBuffer put = Ray.put(ByteBuffer.wrap(new byte[] {9, 8})).get();
    assertEquals(2, put.remaining());
    assertEquals(9, put.get(0));
  }

  @Test
  void exceptionsHaveRaysConstructorsAndFields() {
    byte[] bytes = new byte[ActorId.LENGTH];
    bytes[0] = 7;
    ActorId actor = ActorId.fromBytes(bytes);
    assertSame(actor, new RayActorException(actor).actorId);
    assertNull(new RayActorException().actorId);
    assertNull(new RayActorException(null).actorId, "Ray's new RayActorException(null) compiles");
    assertNull(new RayActorException(actor, null).getCause(), "and (actorId, null), as in Ray");
    assertEquals("actor " + actor + ": gone",
        new RayActorException(actor, "gone", null).getMessage());
    Throwable cause = new IllegalStateException("x");
    assertSame(cause, new RayActorException(actor, cause).getCause());
    RayActorException creationFailed = new RayActorException(1234, "10.0.0.7", actor, cause);
    assertSame(actor, creationFailed.actorId);
    assertSame(cause, creationFailed.getCause());
    assertTrue(creationFailed.getMessage().contains("pid=1234, ip=10.0.0.7"),
        creationFailed.getMessage());
    RayActorException died = new RayActorException(1234, "10.0.0.7", cause);
    assertNull(died.actorId);
    assertTrue(died.getMessage().contains("pid=1234"), died.getMessage());
    died.actorId = actor;
    assertSame(actor, died.getActorId(), "actorId is public and assignable, as Ray's");
    assertEquals("boom", new RayTaskException("boom").getMessage());
    RayTaskException inProcess = new RayTaskException(99, "10.0.0.8", "boom", cause);
    assertEquals("(pid=99, ip=10.0.0.8) boom", inProcess.getMessage());
    assertSame(cause, inProcess.getCause());
    UnreconstructableException lost = new UnreconstructableException("lost it", cause);
    assertEquals("lost it", lost.getMessage());
    assertSame(cause, lost.getCause());
    assertNull(new UnreconstructableException("lost").objectId);
    RayException crossLanguage = new CrossLanguageException("python raised");
    assertEquals("python raised", crossLanguage.getMessage());
    RuntimeException exit = new RayIntentionalSystemExitException("bye", cause);
    assertFalse(exit instanceof RayException, "Ray's is a RuntimeException, not a RayException");
    assertSame(cause, exit.getCause());
    assertEquals("bye", new RayIntentionalSystemExitException("bye").getMessage());
    byte[] objectBytes = new byte[ObjectId.LENGTH];
    objectBytes[0] = 7;
    ObjectId object = ObjectId.fromBytes(objectBytes);
    assertSame(object, new UnreconstructableException(object).objectId);
    assertTrue(new RayWorkerException().getMessage().contains("worker"));
    assertSame(cause, new RayTimeoutException("late", cause).getCause());
    RayException unavailable = new ActorUnavailableException("busy", cause);
    assertSame(cause, unavailable.getCause());
    RayException env = new RuntimeEnvException("env_vars: not a map");
    assertEquals("env_vars: not a map", env.getMessage());
    ObjectRef<Integer> ref = Ray.put(1);
    assertEquals(1, ref.get());
  }
}
