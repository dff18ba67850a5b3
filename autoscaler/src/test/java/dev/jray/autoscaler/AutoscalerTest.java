package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The autoscaler over a GCS in memory and a provider that records what it was asked. */
class AutoscalerTest {
  private static final ClusterSpec SPEC = ClusterYaml.parse("""
      max_workers: 3
      idle_timeout_minutes: 1
      provider: {type: local}
      available_node_types:
        head: {resources: {CPU: 1}, max_workers: 0}
        w: {resources: {CPU: 1}, min_workers: 0, max_workers: 3}
      head_node_type: head
      """);

  private final InMemoryGcs gcs = new InMemoryGcs();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RecordingProvider provider = new RecordingProvider(now);
  private final Autoscaler autoscaler = new Autoscaler(SPEC, provider, gcs, now::get);
  private final UniqueId head = UniqueId.randomId();

  /** Starts nothing: records the nodes it was asked for, which "join" when the test says. */
  static final class RecordingProvider implements NodeProvider {
    final Map<String, Launched> nodes = new LinkedHashMap<>();
    final List<String> terminated = new ArrayList<>();
    final AtomicLong clock;
    int created;

    RecordingProvider(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public String create(NodeType type) {
      String id = UniqueId.randomId().toHex();
      nodes.put(id, new Launched(id, type.name(), clock.get()));
      created++;
      return id;
    }

    @Override
    public void terminate(String nodeId) {
      if (nodes.remove(nodeId) != null) {
        terminated.add(nodeId);
      }
    }

    @Override
    public List<Launched> nodes() {
      return List.copyOf(nodes.values());
    }

    @Override
    public void close() {}
  }

  private void node(UniqueId id, String role, double freeCpu, Map<String, Integer> demands) {
    gcs.nodes().put(id, new NodeRecord(id, role, "127.0.0.1", "h", true, Map.of("CPU", 1.0), 1, 2,
        0, null));
    gcs.kv().put(NodeLoad.KEY_PREFIX + id.toHex(), new NodeLoad(id, Map.of("CPU", 1.0),
        Map.of("CPU", freeCpu), demands, 0, 1 << 20, 0, now.get()).toBytes());
  }

  private AutoscalerStatus status() {
    return AutoscalerStatus.fromBytes(gcs.kv().get(AutoscalerStatus.KEY));
  }

  @Test
  void pendingTasksLaunchNodesUpToMaxThenIdleOnesGo() {
    node(head, "head", 0, Map.of("{CPU=1.0}", 40));
    autoscaler.tick();
    assertEquals(3, provider.created);
    assertEquals(3, status().pending().size(), status().toString());
    assertEquals(List.of("{CPU=1.0}"), status().capped());
    autoscaler.tick();
    assertEquals(3, provider.created, "nodes launching count as room: none launched again");

    for (String id : provider.nodes.keySet()) {
      node(UniqueId.fromHexString(id), "worker", 1, Map.of()); // joined, idle
    }
    node(head, "head", 1, Map.of());
    autoscaler.tick();
    assertTrue(status().pending().isEmpty(), status().toString());
    assertTrue(provider.terminated.isEmpty(), "idle, not for long enough yet");
    now.addAndGet(61_000);
    for (int removed = 1; removed <= 3; removed++) {
      autoscaler.tick();
      assertEquals(removed, provider.terminated.size(), "one idle worker a pass");
      provider.terminated.forEach(id -> gcs.nodes().update(UniqueId.fromHexString(id),
          NodeRecord::dead));
    }
    autoscaler.tick();
    assertEquals(3, provider.terminated.size(), "min_workers 0: every idle worker went");
    assertTrue(status().decisions().stream().anyMatch(d -> d.contains("removing the idle w node")),
        status().decisions().toString());
  }

  @Test
  void aDriversPendingTasksCountToo() {
    node(head, "head", 0, Map.of());
    node(UniqueId.randomId(), "driver", 0, Map.of("{CPU=1.0}", 2));
    autoscaler.tick();
    assertEquals(2, provider.created);
  }

  @Test
  void anInfeasibleDemandLaunchesNothingAndIsReported() {
    node(head, "head", 1, Map.of("{TPU=1.0}", 2));
    autoscaler.tick();
    assertEquals(0, provider.created);
    assertEquals(List.of("{TPU=1.0}"), status().infeasible());
  }

  @Test
  void aStrictSpreadGroupOfThreeOnOneNodeLaunchesTwo() {
    node(head, "head", 1, Map.of());
    PlacementGroupId id = PlacementGroupId.fromRandom();
    gcs.placementGroups().put(id, PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 1.0)),
        PlacementStrategy.STRICT_SPREAD, now.get()));
    autoscaler.tick();
    assertEquals(2, provider.created);
  }

  @Test
  void anElasticGroupCreatedWithItsMinimumLaunchesNodesForItsMissingBundles() {
    UniqueId worker = UniqueId.randomId();
    node(head, "head", 0, Map.of());
    node(worker, "worker", 0, Map.of());
    PlacementGroupId id = PlacementGroupId.fromRandom();
    PlacementGroupRecord elastic = PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 1.0)),
        PlacementStrategy.STRICT_SPREAD, now.get(), 2, false)
        .placedOn(java.util.Arrays.asList(head, worker, null, null));
    assertEquals(dev.jray.api.placementgroup.PlacementGroupState.CREATED, elastic.state());
    gcs.placementGroups().put(id, elastic);
    autoscaler.tick();
    assertEquals(2, provider.created, "one node for each of the 2 bundles it misses");
    autoscaler.tick();
    assertEquals(2, provider.created, "the launching nodes hold them already");
  }

  @Test
  void aCompleteGroupAsksForNothing() {
    node(head, "head", 0, Map.of());
    PlacementGroupId id = PlacementGroupId.fromRandom();
    gcs.placementGroups().put(id, PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD,
        now.get(), 1, false).placedOn(java.util.Arrays.asList(head, head)));
    autoscaler.tick();
    assertEquals(0, provider.created);
  }

  @Test
  void aNodeThatNeverJoinsIsGivenUp() {
    node(head, "head", 0, Map.of("{CPU=1.0}", 1));
    autoscaler.tick();
    assertEquals(1, provider.created);
    now.addAndGet(Autoscaler.LAUNCH_TIMEOUT_MS + 1);
    autoscaler.tick();
    assertEquals(1, provider.terminated.size());
    assertEquals(2, provider.created, "the demand is still there: another is launched");
  }

  @Test
  void aBusyOrActorHoldingNodeIsNotRemoved() {
    node(head, "head", 0, Map.of("{CPU=1.0}", 1));
    autoscaler.tick();
    String w = provider.nodes.keySet().iterator().next();
    node(UniqueId.fromHexString(w), "worker", 0, Map.of()); // busy
    node(head, "head", 1, Map.of());
    autoscaler.tick();
    now.addAndGet(120_000);
    autoscaler.tick();
    assertTrue(provider.terminated.isEmpty());
  }
}
