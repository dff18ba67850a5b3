package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.runtimecontext.ResourceValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GPU ids per task and actor on an embedded node with four GPUs ({@code jray.num-gpus=4}). */
public class GpuIdsApiTest {
  /** Four tasks meet here, so each holds its GPU while the others hold theirs. */
  static final CyclicBarrier FOUR = new CyclicBarrier(4);

  @BeforeAll
  static void init() {
    System.setProperty("jray.num-gpus", "4");
    System.setProperty("jray.num-cpus", "8"); // four one-CPU tasks at once on any machine
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
    System.clearProperty("jray.num-gpus");
    System.clearProperty("jray.num-cpus");
  }

  public static List<Long> idsOnceAllFourRun() throws Exception {
    FOUR.await(60, TimeUnit.SECONDS);
    return Ray.getRuntimeContext().getGpuIds();
  }

  public static List<Long> ids() {
    return Ray.getRuntimeContext().getGpuIds();
  }

  public static class GpuActor {
    public List<Long> ids() {
      return Ray.getRuntimeContext().getGpuIds();
    }

    public String heldResourceIds() {
      return describe(Ray.internal().getAvailableResourceIds());
    }
  }

  /** Ray's getAvailableResourceIds as "name:id=capacity,..." per resource, ids in order. */
  public static String heldResourceIds() {
    return describe(Ray.internal().getAvailableResourceIds());
  }

  private static String describe(Map<String, List<ResourceValue>> held) {
    StringBuilder out = new StringBuilder();
    held.forEach((name, values) -> {
      out.append(name).append(':');
      values.stream().sorted(Comparator.comparing(v -> v.resourceId))
          .forEach(v -> out.append(v.resourceId).append('=').append(v.capacity).append(','));
    });
    return out.toString();
  }

  @Test
  void raysAvailableResourceIdsAreTheGpusHeldWithTheirShare() {
    String two = Ray.task(GpuIdsApiTest::heldResourceIds).setResource("GPU", 2.0).remote()
        .get(60_000);
    assertTrue(two.matches("GPU:\\d=1\\.0,\\d=1\\.0,"), two);
    String half = Ray.task(GpuIdsApiTest::heldResourceIds).setResource("GPU", 0.5).remote()
        .get(60_000);
    assertTrue(half.matches("GPU:\\d=0\\.5,"), half);
    assertEquals("", Ray.task(GpuIdsApiTest::heldResourceIds).remote().get(60_000),
        "a task without GPUs holds no resource ids");
    assertEquals(Map.of(), Ray.internal().getAvailableResourceIds(), "the driver holds none");
    ActorHandle<GpuActor> actor = Ray.actor(GpuActor::new).setResource("GPU", 1.0).remote();
    String actorHeld = actor.task(GpuActor::heldResourceIds).remote().get(60_000);
    assertEquals("GPU:" + actor.task(GpuActor::ids).remote().get(60_000).get(0) + "=1.0,",
        actorHeld, "an actor's calls see its GPU");
    actor.kill();
  }

  @Test
  void concurrentTasksHoldDisjointGpus() {
    List<ObjectRef<List<Long>>> refs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      refs.add(Ray.task(GpuIdsApiTest::idsOnceAllFourRun).setResource("GPU", 1.0).remote());
    }
    Set<Long> seen = new HashSet<>();
    for (ObjectRef<List<Long>> ref : refs) {
      List<Long> ids = ref.get(60_000);
      assertEquals(1, ids.size(), ids::toString);
      seen.addAll(ids);
    }
    assertEquals(Set.of(0L, 1L, 2L, 3L), seen, "four tasks at once, four different GPUs");
  }

  @Test
  void aTaskGetsAsManyGpusAsItAsksAndNoneIfItAsksNone() {
    List<Long> two = Ray.task(GpuIdsApiTest::ids).setResource("GPU", 2.0).remote().get(60_000);
    assertEquals(2, new HashSet<>(two).size(), two::toString);
    assertTrue(Ray.task(GpuIdsApiTest::ids).remote().get(60_000).isEmpty());
    assertTrue(Ray.getRuntimeContext().getGpuIds().isEmpty(), "the driver holds none");
  }

  @Test
  void anActorKeepsItsGpuAcrossCallsAndTasksGetTheOthers() {
    ActorHandle<GpuActor> actor = Ray.actor(GpuActor::new).setResource("GPU", 1.0).remote();
    List<Long> mine = actor.task(GpuActor::ids).remote().get(60_000);
    assertEquals(1, mine.size());
    assertEquals(mine, actor.task(GpuActor::ids).remote().get(60_000));
    List<Long> three = Ray.task(GpuIdsApiTest::ids).setResource("GPU", 3.0).remote().get(60_000);
    assertEquals(3, three.size());
    assertTrue(three.stream().noneMatch(mine::contains), three + " overlaps the actor's " + mine);
    actor.kill();
  }
}
