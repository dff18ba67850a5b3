package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchPlannerTest {
  private static final ClusterSpec SPEC = ClusterYaml.parse("""
      max_workers: 3
      provider: {type: local}
      available_node_types:
        head: {resources: {CPU: 1}, max_workers: 0}
        small: {resources: {CPU: 1}, max_workers: 3}
        big: {resources: {CPU: 4}, max_workers: 1}
        gpu: {resources: {CPU: 1, GPU: 1}, max_workers: 1}
      head_node_type: head
      """);

  private static final LaunchPlanner.Node HEAD_FULL =
      new LaunchPlanner.Node("h", "head", Map.of("CPU", 0.0), true);

  private static Demand.Shape cpus(double cpu, int count) {
    return new Demand.Shape(Map.of("CPU", cpu), count);
  }

  @Test
  void fortyOneCpuTasksOnAFullHeadLaunchUpToTheClustersMax() {
    LaunchPlanner.Plan p = LaunchPlanner.plan(SPEC, List.of(HEAD_FULL), List.of(cpus(1, 40)));
    assertEquals(3, p.total(), p.toString());
    assertTrue(p.infeasible().isEmpty(), p.toString());
    assertEquals(List.of("{CPU=1.0}"), p.capped(), "the rest waits for max_workers");
  }

  @Test
  void theSmallestTypeThatHoldsAShapeIsLaunched() {
    assertEquals(Map.of("small", 2),
        LaunchPlanner.plan(SPEC, List.of(HEAD_FULL), List.of(cpus(1, 2))).launch());
    assertEquals(Map.of("big", 1),
        LaunchPlanner.plan(SPEC, List.of(HEAD_FULL), List.of(cpus(3, 1))).launch());
  }

  @Test
  void roomOnRunningAndLaunchingNodesIsUsedFirst() {
    LaunchPlanner.Node launching = new LaunchPlanner.Node("w1", "small", Map.of("CPU", 1.0), false);
    LaunchPlanner.Plan p = LaunchPlanner.plan(SPEC, List.of(HEAD_FULL, launching),
        List.of(cpus(0.5, 2)));
    assertEquals(0, p.total(), p.toString());
  }

  @Test
  void aShapeNoTypeHoldsLaunchesNothingAndIsReported() {
    LaunchPlanner.Plan p = LaunchPlanner.plan(SPEC, List.of(HEAD_FULL),
        List.of(new Demand.Shape(Map.of("TPU", 1.0), 5)));
    assertEquals(0, p.total());
    assertEquals(List.of("{TPU=1.0}"), p.infeasible());
  }

  @Test
  void strictSpreadPutsEachBundleOnANodeOfItsOwn() {
    LaunchPlanner.Node head = new LaunchPlanner.Node("h", "head", Map.of("CPU", 1.0), true);
    Demand.Group group = new Demand.Group("g", "STRICT_SPREAD",
        List.of(Map.of("CPU", 0.5), Map.of("CPU", 0.5), Map.of("CPU", 0.5)), Set.of());
    assertEquals(Map.of("small", 2), LaunchPlanner.plan(SPEC, List.of(head), List.of(group)).launch(),
        "the head takes one bundle, two new nodes the others");
    Demand.Group placedOnHead = new Demand.Group("g", "STRICT_SPREAD",
        List.of(Map.of("CPU", 0.5), Map.of("CPU", 0.5)), Set.of("h"));
    assertEquals(Map.of("small", 2),
        LaunchPlanner.plan(SPEC, List.of(head), List.of(placedOnHead)).launch(),
        "a node holding one of its bundles takes no other");
  }

  @Test
  void strictPackNeedsOneNodeForAllItsBundles() {
    Demand.Group group = new Demand.Group("g", "STRICT_PACK",
        List.of(Map.of("CPU", 2.0), Map.of("CPU", 2.0)), Set.of());
    assertEquals(Map.of("big", 1), LaunchPlanner.plan(SPEC, List.of(HEAD_FULL), List.of(group)).launch());
  }

  @Test
  void typesBelowMinWorkersAreToppedUp() {
    ClusterSpec spec = ClusterYaml.parse("""
        max_workers: 5
        provider: {type: local}
        available_node_types:
          head: {resources: {CPU: 1}, max_workers: 0}
          w: {resources: {CPU: 1}, min_workers: 2, max_workers: 4}
        head_node_type: head
        """);
    LaunchPlanner.Node one = new LaunchPlanner.Node("w1", "w", Map.of("CPU", 1.0), false);
    assertEquals(Map.of("w", 1), LaunchPlanner.plan(spec, List.of(HEAD_FULL, one), List.of()).launch());
  }

  @Test
  void aTypesMaxWorkersHoldsEvenWhenTheClusterHasRoom() {
    LaunchPlanner.Plan p = LaunchPlanner.plan(SPEC, List.of(HEAD_FULL),
        List.of(new Demand.Shape(Map.of("GPU", 1.0), 3)));
    assertEquals(Map.of("gpu", 1), p.launch());
    assertEquals(List.of("{GPU=1.0}"), p.capped());
  }
}
