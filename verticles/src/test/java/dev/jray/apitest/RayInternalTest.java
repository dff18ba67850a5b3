package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.function.RayFunc1;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.CallOptions;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.api.runtime.RayRuntime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a Ray program calls on {@code Ray.internal()} (Ray's RayRuntime), on an embedded node. */
public class RayInternalTest {

  /** One thread, started by the driver: it is in no actor unless what it runs is wrapped. */
  static ExecutorService driverThread;

  @BeforeAll
  static void init() throws Exception {
    Ray.init();
    driverThread = Executors.newSingleThreadExecutor();
    driverThread.submit(() -> { }).get();
  }

  @AfterAll
  static void shutdown() {
    driverThread.shutdown();
    Ray.shutdown();
  }

  public static int twice(int x) {
    return 2 * x;
  }

  public static class Counter {
    private int value;

    public int increment() {
      return ++value;
    }

    /** The actor id seen by a runnable and a callable the actor wraps and runs on other threads. */
    public List<String> actorIdsOnTheDriversThread() throws Exception {
      AtomicReference<String> fromRunnable = new AtomicReference<>();
      Runnable runnable = Ray.internal().wrapRunnable(
          () -> fromRunnable.set(Ray.getRuntimeContext().getCurrentActorId().toHex()));
      driverThread.submit(runnable).get();
      Callable<String> callable = Ray.internal().wrapCallable(
          () -> Ray.getRuntimeContext().getCurrentActorId().toHex());
      String fromCallable = driverThread.submit(callable).get();
      String unwrapped = driverThread.submit(
          () -> Ray.getRuntimeContext().getCurrentActorId().toHex()).get();
      return List.of(fromRunnable.get(), fromCallable, unwrapped);
    }
  }

  @Test
  void getWithoutATimeoutAndRawCallsCompileAsInRay() {
    RayRuntime runtime = Ray.internal();
    @SuppressWarnings("unchecked")
    ObjectRef<Integer> four = runtime.call((RayFunc1<Integer, Integer>) RayInternalTest::twice,
        new Object[] {2}, new CallOptions.Builder().build());
    assertEquals(4, runtime.get(four));
    assertEquals(List.of(4, 6), runtime.get(List.of(four, Ray.task(RayInternalTest::twice, 3)
        .remote())));
  }

  @Test
  void getActorHandleReachesTheActorByIdAndGetActorIsTypedByTheCaller() {
    String name = "by-id-" + UUID.randomUUID();
    ActorHandle<Counter> created = Ray.actor(Counter::new).setName(name).remote();
    assertEquals(1, created.task(Counter::increment).remote().get(30_000));
    ActorHandle<Counter> byId = Ray.internal().getActorHandle(created.getId());
    assertEquals(created.getId(), byId.getId());
    assertEquals(2, byId.task(Counter::increment).remote().get(30_000), "the same instance");
    Optional<ActorHandle<Counter>> byName = Ray.internal().getActor(name, null);
    assertEquals(3, byName.orElseThrow().task(Counter::increment).remote().get(30_000));
    assertTrue(Ray.internal().getActor(name, "elsewhere-" + UUID.randomUUID()).isEmpty());

    ActorHandle<Counter> nobody = Ray.internal().getActorHandle(ActorId.fromRandom());
    assertThrows(RayActorException.class,
        () -> nobody.task(Counter::increment).remote().get(30_000),
        "a call to an actor no one created fails");
  }

  @Test
  void wrappedRunnablesAndCallablesRunInTheWrappersContext() {
    ActorHandle<Counter> actor = Ray.actor(Counter::new).remote();
    List<String> seen = actor.task(Counter::actorIdsOnTheDriversThread).remote().get(30_000);
    assertEquals(actor.getId().toHex(), seen.get(0), "wrapRunnable");
    assertEquals(actor.getId().toHex(), seen.get(1), "wrapCallable");
    assertEquals(ActorId.NIL.toHex(), seen.get(2), "unwrapped, the driver's thread is in no actor,"
        + " and the wrappers gave it back its own context");
  }

  @Test
  void namespaceIsTheJobs() {
    assertEquals(Ray.getRuntimeContext().getNamespace(), Ray.internal().getNamespace());
  }

  @Test
  void waitPlacementGroupReadyWaitsForTheGroupById() {
    PlacementGroup pg = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions(
        null, List.of(Map.of("CPU", 0.5)), PlacementStrategy.PACK));
    assertTrue(Ray.internal().waitPlacementGroupReady(pg.getId(), 60));
    PlacementGroups.removePlacementGroup(pg.getId());
    assertThrows(RayException.class,
        () -> Ray.internal().waitPlacementGroupReady(pg.getId(), 1), "removed: never ready");
    assertThrows(IllegalArgumentException.class,
        () -> Ray.internal().waitPlacementGroupReady(PlacementGroupId.fromRandom(), 1));

    PlacementGroup tooBig = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions(
        null, List.of(Map.of("CPU", 10_000.0)), PlacementStrategy.PACK));
    try {
      assertEquals(false, Ray.internal().waitPlacementGroupReady(tooBig.getId(), 1),
          "a group no node can hold is not ready when the timeout ends");
    } finally {
      PlacementGroups.removePlacementGroup(tooBig.getId());
    }
  }
}
