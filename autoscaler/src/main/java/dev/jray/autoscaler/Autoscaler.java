package dev.jray.autoscaler;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.DemandKey;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import java.text.SimpleDateFormat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler, as Ray's: each {@link #tick} reads the cluster from the GCS (nodes, their
 * loads' pending demands, placement groups' unplaced bundles, an elastic group's missing ones
 * included), launches the nodes {@link
 * LaunchPlanner} plans through its {@link NodeProvider}, removes one of the nodes it launched
 * that {@link IdleNodes} finds idle for long enough (one a pass: see {@link #tick}), and writes what it decided ({@link
 * AutoscalerStatus}) for {@code jray status}. Run by the leader.
 *
 * <p>Threading: one thread calls {@link #tick} (its state, the nodes' idle times and the
 * decisions, is that thread's); blocks on the GCS and the provider.
 */
public final class Autoscaler {
  private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
  /** A node launched this long ago that never joined is given up (its process removed). */
  static final long LAUNCH_TIMEOUT_MS = 120_000;

  private final ClusterSpec spec;
  private final NodeProvider provider;
  private final Gcs gcs;
  private final LongSupplier clockMs;
  /** Since when each node has been idle (absent: busy); the ticking thread's. */
  private final Map<String, Long> idleSince = new HashMap<>();
  /** The latest decisions, oldest first; the ticking thread's. */
  private final Deque<String> decisions = new ArrayDeque<>();

  public Autoscaler(ClusterSpec spec, NodeProvider provider, Gcs gcs, LongSupplier clockMs) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
  }

  /** One pass: launch for the demand, remove the idle, record the status. */
  public void tick() {
    long now = clockMs.getAsLong();
    List<NodeRecord> live = gcs.nodes().snapshot().values().stream()
        .filter(NodeRecord::alive).toList();
    List<NodeRecord> alive = live.stream().filter(NodeRecord::runsTasks).toList();
    Map<String, NodeLoad> loads = new HashMap<>(); // drivers' too: their tasks wait there
    for (NodeLoad l : NodeLoad.latest(gcs, live)) {
      loads.put(l.nodeId().toHex(), l);
    }
    Map<String, NodeProvider.Launched> launched = new HashMap<>();
    provider.nodes().forEach(l -> launched.put(l.nodeId(), l));
    Set<String> joined = new HashSet<>();
    List<LaunchPlanner.Node> nodes = new ArrayList<>();
    for (NodeRecord n : alive) {
      String id = n.nodeId().toHex();
      joined.add(id);
      NodeLoad load = loads.get(id);
      NodeProvider.Launched l = launched.get(id);
      String type = l != null ? l.type() : "head".equals(n.role()) ? spec.headNodeType() : null;
      nodes.add(new LaunchPlanner.Node(id, type,
          load != null ? load.available() : n.totalResources(), "head".equals(n.role())));
    }
    List<String> pending = new ArrayList<>();
    for (NodeProvider.Launched l : launched.values()) {
      if (joined.contains(l.nodeId())) {
        continue;
      }
      if (now - l.launchedAtMs() > LAUNCH_TIMEOUT_MS) {
        decide(now, "gave up the " + l.type() + " node " + l.nodeId() + ": it did not join within "
            + LAUNCH_TIMEOUT_MS / 1000 + " s");
        provider.terminate(l.nodeId());
        continue;
      }
      pending.add(l.type() + " " + l.nodeId());
      nodes.add(new LaunchPlanner.Node(l.nodeId(), l.type(),
          spec.nodeTypes().get(l.type()).resources(), false));
    }
    Collection<PlacementGroupRecord> groups = gcs.placementGroups().snapshot().values();
    LaunchPlanner.Plan plan = LaunchPlanner.plan(spec, nodes, demand(loads.values(), groups));
    plan.launch().forEach((typeName, count) -> {
      NodeType type = spec.nodeTypes().get(typeName);
      for (int i = 0; i < count; i++) {
        try {
          String id = provider.create(type);
          pending.add(typeName + " " + id);
        } catch (RuntimeException e) {
          decide(now, "could not launch a " + typeName + " node: " + e.getMessage());
          return;
        }
      }
      decide(now, "launching " + count + " " + typeName + " node(s)");
    });
    removeIdle(now, alive, loads, launched, groups);
    gcs.kv().put(AutoscalerStatus.KEY, new AutoscalerStatus(pending, List.copyOf(decisions),
        plan.infeasible(), plan.capped()).toBytes());
  }

  /**
   * Pending shapes from the nodes' loads, and the unplaced bundles of placement groups: those of
   * groups waiting to be created or rescheduled, and those an elastic group that is CREATED still
   * misses toward its maximum (it grows onto the nodes launched for them).
   */
  private static List<Demand> demand(Iterable<NodeLoad> loads,
      Collection<PlacementGroupRecord> groups) {
    List<Demand> demand = new ArrayList<>();
    for (NodeLoad l : loads) {
      l.demands().forEach((key, count) -> {
        try {
          demand.add(new Demand.Shape(DemandKey.resources(key), count));
        } catch (IllegalArgumentException e) {
          LOG.debug("a demand the autoscaler cannot read: {}", key);
        }
      });
    }
    for (PlacementGroupRecord g : groups) {
      if (g.isRemoved() || g.isComplete()) {
        continue;
      }
      List<Map<String, Double>> unplaced = new ArrayList<>();
      Set<String> holders = new HashSet<>();
      for (int i = 0; i < g.bundles().size(); i++) {
        UniqueId at = g.bundleNodes().get(i);
        if (at == null) {
          unplaced.add(g.bundles().get(i));
        } else {
          holders.add(at.toHex());
        }
      }
      if (!unplaced.isEmpty()) {
        demand.add(new Demand.Group(g.id().toString(), g.strategy().name(), unplaced, holders));
      }
    }
    return demand;
  }

  private void removeIdle(long now, List<NodeRecord> alive, Map<String, NodeLoad> loads,
      Map<String, NodeProvider.Launched> launched, Collection<PlacementGroupRecord> groups) {
    Set<String> holding = new HashSet<>();
    for (ActorRecord a : gcs.actors().snapshot().values()) {
      if (a.state() != ActorState.DEAD && a.nodeId() != null) {
        holding.add(a.nodeId().toHex());
      }
    }
    for (PlacementGroupRecord g : groups) {
      if (!g.isRemoved()) {
        g.bundleNodes().stream().filter(Objects::nonNull).forEach(n -> holding.add(n.toHex()));
      }
    }
    List<IdleNodes.Activity> activity = new ArrayList<>();
    for (NodeRecord n : alive) {
      String id = n.nodeId().toHex();
      NodeLoad load = loads.get(id);
      boolean idle = load != null && !holding.contains(id) && load.demands().isEmpty()
          && load.storeObjects() == 0 && allFree(load);
      if (idle) {
        idleSince.putIfAbsent(id, now);
      } else {
        idleSince.remove(id);
      }
      NodeProvider.Launched l = launched.get(id);
      activity.add(new IdleNodes.Activity(id, l != null ? l.type() : null,
          "head".equals(n.role()), idle ? idleSince.get(id) : -1));
    }
    // one a pass: the GCS's replicas live on the members, and members leaving together lost
    // partitions whose every copy they held (graceful shutdowns overlapping); the next pass is
    // seconds later, when the leaver's replicas are made again elsewhere
    List<String> idle = IdleNodes.toRemove(spec, activity, now);
    if (!idle.isEmpty()) {
      String id = idle.get(0);
      decide(now, "removing the idle " + launched.get(id).type() + " node " + id
          + (idle.size() > 1 ? " (" + (idle.size() - 1) + " more idle, one a pass)" : ""));
      provider.terminate(id);
      idleSince.remove(id);
    }
  }

  /** Whether nothing of the node's resources is in use (its memory and store aside). */
  private static boolean allFree(NodeLoad load) {
    for (Map.Entry<String, Double> e : load.total().entrySet()) {
      String name = e.getKey();
      if (!name.equals("memory") && !name.equals("object_store_memory")
          && load.available().getOrDefault(name, 0.0) < e.getValue() - 1e-9) {
        return false;
      }
    }
    return true;
  }

  private void decide(long now, String what) {
    LOG.info("autoscaler: {}", what);
    decisions.addLast(new SimpleDateFormat("HH:mm:ss").format(new Date(now)) + " " + what);
    while (decisions.size() > AutoscalerStatus.MAX_DECISIONS) {
      decisions.removeFirst();
    }
  }
}
