package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdleNodesTest {
  private static final ClusterSpec SPEC = ClusterYaml.parse("""
      idle_timeout_minutes: 1
      provider: {type: local}
      available_node_types:
        head: {resources: {CPU: 1}, max_workers: 0}
        w: {resources: {CPU: 1}, min_workers: 1, max_workers: 4}
      head_node_type: head
      """);

  @Test
  void idleWorkersGoLongestIdleFirstDownToMinWorkers() {
    long now = 1_000_000;
    List<IdleNodes.Activity> nodes = List.of(
        new IdleNodes.Activity("h", "head", true, 0),
        new IdleNodes.Activity("a", "w", false, now - 90_000),
        new IdleNodes.Activity("b", "w", false, now - 120_000),
        new IdleNodes.Activity("c", "w", false, now - 61_000),
        new IdleNodes.Activity("busy", "w", false, -1),
        new IdleNodes.Activity("fresh", "w", false, now - 59_000),
        new IdleNodes.Activity("manual", null, false, 0));
    assertEquals(List.of("b", "a", "c"), IdleNodes.toRemove(SPEC, nodes, now));
  }

  @Test
  void minWorkersStayEvenWhenIdle() {
    long now = 1_000_000;
    List<IdleNodes.Activity> nodes = List.of(
        new IdleNodes.Activity("a", "w", false, now - 90_000),
        new IdleNodes.Activity("b", "w", false, now - 120_000));
    assertEquals(List.of("b"), IdleNodes.toRemove(SPEC, nodes, now));
  }
}
