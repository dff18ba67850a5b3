package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.time.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement groups on an embedded node of 4 CPUs: creation and lookup, what reserved
 * resources allow and forbid, removal, and every error a caller can make. (Placement over
 * several nodes is tested by {@code PlacementGroupIT} on real processes.)
 */
public class PlacementGroupTest {
  private static final int CPUS = 4;

  @BeforeAll
  static void init() {
    System.setProperty("jray.num-cpus", String.valueOf(CPUS));
    try {
      Ray.init();
    } finally {
      System.clearProperty("jray.num-cpus");
    }
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  /** Every test leaves the node's CPUs unreserved. */
  @AfterEach
  void removeAll() {
    for (PlacementGroup pg : PlacementGroups.getAllPlacementGroups()) {
      if (pg.getState() != PlacementGroupState.REMOVED) {
        PlacementGroups.removePlacementGroup(pg.getId());
      }
    }
  }

  public static class Probe {
    public String node() {
      return Ray.getRuntimeContext().getCurrentNodeId().toHex();
    }
  }

  public static class Fns {
    static final AtomicInteger running = new AtomicInteger();
    static final Semaphore started = new Semaphore(0);
    static final AtomicInteger maxRunning = new AtomicInteger();

    public static int one() {
      return 1;
    }

    /** A handle passed to a task works there: its state, and scheduling more work into it. */
    public static String stateAndInnerTask(PlacementGroup pg) {
      int inner = Ray.task(Fns::one).setPlacementGroup(pg, 0).remote().get();
      return pg.getState() + "/" + inner;
    }

    /** Runs for a while, counting how many of these run at once. */
    /** Says it started, then runs until its thread is interrupted. */
    public static int untilEnded() throws InterruptedException {
      started.release();
      new CountDownLatch(1).await();
      return 1;
    }

    public static int busy(int ms) throws InterruptedException {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(ms);
      } finally {
        running.decrementAndGet();
      }
      return 1;
    }
  }

  private static PlacementGroup create(PlacementStrategy strategy, String name,
      List<Map<String, Double>> bundles) {
    return PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setBundles(bundles).setStrategy(strategy).setName(name).build());
  }

  private static List<Map<String, Double>> cpus(int bundles, double each) {
    return Collections.nCopies(bundles, Map.of("CPU", each));
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private static boolean readyWithin(ObjectRef<?> ref, int ms) {
    WaitResult<?> r = Ray.wait(List.of(ref), 1, ms);
    return r.getReady().size() == 1;
  }

  @Test
  void namedPackGroupIsCreatedHostsActorsAndIsFoundByNameAndId() {
    String name = unique("pg1");
    PlacementGroup pg = create(PlacementStrategy.PACK, name, cpus(2, 1));
    assertTrue(pg.wait(60));
    assertEquals(name, pg.getName());
    assertEquals(PlacementGroupState.CREATED, pg.getState());
    assertEquals(PlacementStrategy.PACK, pg.getStrategy());
    assertEquals(cpus(2, 1), pg.getBundles());

    ActorHandle<Probe> inBundle0 = Ray.actor(Probe::new).setPlacementGroup(pg, 0).remote();
    ActorHandle<Probe> anyBundle = Ray.actor(Probe::new).setPlacementGroup(pg).remote();
    String here = Ray.getRuntimeContext().getCurrentNodeId().toHex();
    assertEquals(here, inBundle0.task(Probe::node).remote().get(30_000));
    assertEquals(here, anyBundle.task(Probe::node).remote().get(30_000));

    PlacementGroup byName = PlacementGroups.getPlacementGroup(name);
    PlacementGroup byId = PlacementGroups.getPlacementGroup(pg.getId());
    assertEquals(pg.getId(), byName.getId());
    assertEquals(byName.getId(), byId.getId());
    assertEquals(byName.getBundles(), byId.getBundles());
    assertEquals(name, byId.getName());
    assertTrue(PlacementGroups.getAllPlacementGroups().stream().anyMatch(g -> g.getId().equals(pg.getId())));

    PlacementGroups.removePlacementGroup(pg.getId());
    assertEquals(PlacementGroupState.REMOVED, pg.getState());
    assertEquals(PlacementGroupState.REMOVED, PlacementGroups.getPlacementGroup(pg.getId()).getState());
    assertThrows(RayException.class, () -> pg.wait(1));
    assertNull(PlacementGroups.getPlacementGroup(name), "a removed group's name is free again");
    // its actors ended with it
    assertThrows(RayActorException.class, () -> inBundle0.task(Probe::node).remote().get(30_000));
  }

  @Test
  void raysConstructorCreatesAGroupAndUnrecognizedIsRefused() {
    String name = unique("rays");
    PlacementGroup pg = PlacementGroups.createPlacementGroup(
        new PlacementGroupCreationOptions(name, cpus(1, 1), PlacementStrategy.SPREAD));
    assertTrue(pg.wait(60));
    assertEquals(1, pg.getState().value(), "CREATED is Ray's 1");
    assertEquals(1, pg.getStrategy().value(), "SPREAD is Ray's 1");
    assertEquals(pg.getId(), PlacementGroups.getPlacementGroup(name).getId());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions(unique("no"),
            cpus(1, 1), PlacementStrategy.UNRECOGNIZED)));
    assertTrue(refused.getMessage().contains("UNRECOGNIZED"), refused.getMessage());
  }

  @Test
  void reservedCpusAreOnlyForTheGroupsWork() {
    PlacementGroup pg = create(PlacementStrategy.STRICT_PACK, null, List.of(Map.of("CPU", (double) CPUS)));
    assertTrue(pg.wait(30));
    ObjectRef<Integer> outside = Ray.task(Fns::one).remote();
    assertFalse(readyWithin(outside, 700), "a plain {CPU:1} task ran on CPUs a group reserved");
    ObjectRef<Integer> inside = Ray.task(Fns::one).setPlacementGroup(pg, 0).remote();
    assertEquals(1, inside.get(30_000));

    PlacementGroups.removePlacementGroup(pg.getId());
    assertEquals(1, outside.get(30_000), "the plain task runs once the group is removed");
  }

  @Test
  void workInABundleCannotExceedIt() throws Exception {
    PlacementGroup pg = create(PlacementStrategy.PACK, null, cpus(1, 1));
    assertTrue(pg.wait(30));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ray.task(Fns::one).setResource("CPU", 2.0).setPlacementGroup(pg, 0).remote());
    assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());

    Fns.maxRunning.set(0);
    List<ObjectRef<Integer>> refs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      refs.add(Ray.task(Fns::busy, 150).setPlacementGroup(pg, 0).remote());
    }
    assertEquals(List.of(1, 1, 1), Ray.get(refs, 30_000));
    assertEquals(1, Fns.maxRunning.get(), "tasks in a 1-CPU bundle ran side by side");
  }

  @Test
  void aGroupNoNodeCanHoldStaysPendingAndItsTasksWait() {
    PlacementGroup pg = create(PlacementStrategy.PACK, null,
        List.of(Map.of("CPU", 1.0, "nowhere", 1.0)));
    assertFalse(pg.wait(1));
    assertEquals(PlacementGroupState.PENDING, pg.getState());
    ObjectRef<Integer> inGroup = Ray.task(Fns::one).setPlacementGroup(pg).remote();
    assertEquals(1, Ray.task(Fns::one).remote().get(30_000), "work outside the group runs");
    assertFalse(readyWithin(inGroup, 500));

    PlacementGroups.removePlacementGroup(pg.getId());
    RayTaskException e = assertThrows(RayTaskException.class, () -> inGroup.get(30_000));
    assertTrue(e.getMessage().contains("removed"), e.getMessage());
  }

  @Test
  void anElasticGroupIsCreatedWithWhatFitsAndWorkInABundleItLacksWaitsForIt() {
    // STRICT_SPREAD on one node: only one of its 3 bundles can be reserved, and 1 is its minimum
    PlacementGroup pg = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
        .Builder().setBundles(cpus(3, 1)).setMinBundles(1)
        .setStrategy(PlacementStrategy.STRICT_SPREAD).build());
    assertTrue(pg.wait(30));
    assertEquals(PlacementGroupState.CREATED, pg.getState());
    assertEquals(1, pg.getMinBundles());
    assertEquals(3, pg.getBundles().size(), "the bundles it declared, reserved or not");
    assertEquals(List.of(0), pg.getReservedBundleIndexes());
    assertEquals(List.of(0), PlacementGroups.getPlacementGroup(pg.getId())
        .getReservedBundleIndexes(), "read from the cluster by any handle");
    assertEquals(1, Ray.task(Fns::one).setPlacementGroup(pg, 0).remote().get(30_000));
    assertEquals(1, Ray.task(Fns::one).setPlacementGroup(pg).remote().get(30_000),
        "any bundle: a reserved one");
    ObjectRef<Integer> inMissing = Ray.task(Fns::one).setPlacementGroup(pg, 2).remote();
    assertFalse(readyWithin(inMissing, 500), "bundle 2 is not reserved: its work waits");

    PlacementGroups.removePlacementGroup(pg.getId());
    assertEquals(List.of(), pg.getReservedBundleIndexes());
    RayTaskException e = assertThrows(RayTaskException.class, () -> inMissing.get(30_000));
    assertTrue(e.getMessage().contains("removed"), e.getMessage());
  }

  @Test
  void aDetachedGroupSaysSoAndIsRemovedWhenAsked() {
    PlacementGroup pg = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions
        .Builder().setBundles(cpus(1, 1)).setStrategy(PlacementStrategy.PACK)
        .setLifetime(ActorLifetime.DETACHED).build());
    assertTrue(pg.wait(30));
    assertTrue(PlacementGroups.getPlacementGroup(pg.getId()).isDetached());
    assertFalse(create(PlacementStrategy.PACK, null, cpus(1, 1)).isDetached());
    PlacementGroups.removePlacementGroup(pg.getId());
    assertEquals(PlacementGroupState.REMOVED, pg.getState());
  }

  @Test
  void aPendingGroupIsCreatedWhenAnotherGroupIsRemoved() {
    PlacementGroup all = create(PlacementStrategy.PACK, null, cpus(2, CPUS / 2.0));
    assertTrue(all.wait(30));
    PlacementGroup waiting = create(PlacementStrategy.STRICT_PACK, null, cpus(2, 1));
    assertFalse(waiting.wait(1));
    PlacementGroups.removePlacementGroup(all.getId());
    assertTrue(waiting.wait(30));
  }

  @Test
  void removingAGroupEndsItsRunningTasks() throws Exception {
    PlacementGroup pg = create(PlacementStrategy.PACK, null, cpus(1, 1));
    assertTrue(pg.wait(30));
    ObjectRef<Integer> longTask = Ray.task(Fns::untilEnded).setPlacementGroup(pg).remote();
    assertTrue(Fns.started.tryAcquire(30, TimeUnit.SECONDS), "the task in the group never started");
    PlacementGroups.removePlacementGroup(pg.getId());
    RayTaskException e = assertThrows(RayTaskException.class, () -> longTask.get(30_000));
    assertTrue(e.getMessage().contains("removed"), e.getMessage());
    // the CPU is free again: a task that needs all of them runs
    assertEquals(1, Ray.task(Fns::one).setResource("CPU", (double) CPUS).remote().get(30_000));
  }

  @Test
  void concurrentCreationNeverOvercommits() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PlacementGroup>> futures = new ArrayList<>();
      for (int i = 0; i < 2 * CPUS; i++) {
        Callable<PlacementGroup> c = () -> create(PlacementStrategy.PACK, null, cpus(1, 1));
        futures.add(pool.submit(c));
      }
      List<PlacementGroup> groups = new ArrayList<>();
      for (Future<PlacementGroup> f : futures) {
        groups.add(f.get());
      }
      Await.until(CPUS + " groups are created", Duration.ofSeconds(10),
          () -> groups.stream().filter(g -> g.getState() == PlacementGroupState.CREATED).count() >= CPUS);
      List<PlacementGroup> created =
          groups.stream().filter(g -> g.getState() == PlacementGroupState.CREATED).toList();
      assertEquals(CPUS, created.size(), "groups created on " + CPUS + " CPUs");
      for (PlacementGroup g : created) {
        PlacementGroups.removePlacementGroup(g.getId());
      }
      for (PlacementGroup g : groups) {
        if (!created.contains(g)) {
          assertTrue(g.wait(30), "the rest are created once the first ones are removed");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHandlePassedToATaskWorksThere() {
    PlacementGroup pg = create(PlacementStrategy.PACK, null, cpus(1, 1));
    assertTrue(pg.wait(30));
    assertEquals("CREATED/1", Ray.task(Fns::stateAndInnerTask, pg).remote().get(30_000));
  }

  @Test
  void namesAreUniquePerNamespace() {
    String name = unique("ns-pg");
    String otherNs = unique("ns");
    PlacementGroup there = PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
        .setBundles(cpus(1, 0.5)).setStrategy(PlacementStrategy.PACK).setName(name)
        .setNamespace(otherNs).build());
    assertNull(PlacementGroups.getPlacementGroup(name), "not in this job's namespace");
    assertEquals(there.getId(), PlacementGroups.getPlacementGroup(name, otherNs).getId());
    PlacementGroup here = create(PlacementStrategy.PACK, name, cpus(1, 0.5));
    assertEquals(here.getId(), PlacementGroups.getPlacementGroup(name).getId(),
        "the same name is free in another namespace");
    assertTrue(here.wait(30) && there.wait(30));
  }

  @Test
  void badRequestsAreRefusedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of()).setStrategy(PlacementStrategy.PACK).build());
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of(Map.of("CPU", 0.0))).setStrategy(PlacementStrategy.PACK).build());
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions.Builder()
        .setBundles(List.of(Map.of("CPU", -1.0))).setStrategy(PlacementStrategy.PACK).build());
    assertThrows(IllegalArgumentException.class, () -> new PlacementGroupCreationOptions.Builder()
        .setBundles(cpus(1, 1)).setStrategy(null).build());

    String name = unique("dup");
    PlacementGroup first = create(PlacementStrategy.PACK, name, cpus(1, 1));
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> create(PlacementStrategy.SPREAD, name, cpus(1, 1)));
    assertTrue(dup.getMessage().contains(name), dup.getMessage());
    assertNotNull(PlacementGroups.getPlacementGroup(name));

    assertThrows(IllegalArgumentException.class,
        () -> Ray.actor(Probe::new).setPlacementGroup(first, 1));
    assertThrows(IllegalArgumentException.class,
        () -> Ray.task(Fns::one).setPlacementGroup(first, 5));
    assertThrows(IllegalArgumentException.class,
        () -> Ray.task(Fns::one).setPlacementGroup(first, -2));

    PlacementGroups.removePlacementGroup(first.getId());
    PlacementGroup again = create(PlacementStrategy.PACK, name, cpus(1, 1));
    assertTrue(again.wait(30), "a removed group's name can be used again");
  }
}
