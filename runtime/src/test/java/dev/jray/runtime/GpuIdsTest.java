package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.resources.ResourceSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GpuIdsTest {
  @Test
  void wholeGpusAreHandedOutOnceEachAndComeBack() {
    GpuIds gpus = new GpuIds(4);
    List<Long> two = gpus.acquire(2);
    List<Long> one = gpus.acquire(1);
    assertEquals(2, two.size());
    assertEquals(1, one.size());
    Set<Long> all = new HashSet<>(two);
    all.addAll(one);
    assertEquals(3, all.size(), "disjoint: " + two + " " + one);
    assertEquals(List.of(), gpus.acquire(2), "one GPU is left, two are asked for");
    gpus.release(two, 2);
    assertEquals(2, gpus.acquire(2).size());
  }

  @Test
  void fractionsShareOneGpuAndLeaveWholeOnesWhole() {
    GpuIds gpus = new GpuIds(2);
    List<Long> a = gpus.acquire(0.5);
    List<Long> b = gpus.acquire(0.5);
    assertEquals(a, b, "two halves share a GPU");
    List<Long> whole = gpus.acquire(1);
    assertEquals(1, whole.size());
    assertTrue(!whole.equals(a), "the other GPU is still whole");
    assertEquals(List.of(), gpus.acquire(0.25), "both are taken");
    gpus.release(a, 0.5);
    assertEquals(a, gpus.acquire(0.25));
  }

  @Test
  void noGpusAskedForNoneGiven() {
    assertEquals(List.of(), new GpuIds(0).acquire(0));
    assertEquals(List.of(), new GpuIds(0).acquire(1));
  }

  @Test
  void aPlacementGroupsGpuDemandIsCounted() {
    assertEquals(2.0, GpuIds.demand(ResourceSet.of(Map.of("GPU", 2.0, "CPU", 1.0))));
    assertEquals(1.0, GpuIds.demand(ResourceSet.of(Map.of("GPU_group_0_ab12", 1.0,
        "GPU_group_ab12", 1.0, "bundle_group_0_ab12", 0.001))));
    assertEquals(0.0, GpuIds.demand(ResourceSet.of(Map.of("CPU", 1.0))));
  }
}
