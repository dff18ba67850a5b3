package dev.jray.cli;

import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.autoscaler.AutoscalerStatus;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.GcsClient;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.jobs.JobsApiLease;
import dev.jray.node.ClusterNode;
import dev.jray.resources.ResourceSet;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jray status}: the cluster's nodes, resources and pending demands, in Ray's layout. */
@Command(name = "status", description = "Show the cluster's nodes, resources and demands.")
final class StatusCommand implements Callable<Integer> {
  /** A node's load older than this is not shown as current. */
  private static final long LOAD_STALE_MS = 10_000;

  @Option(names = "--address", converter = OptionValues.Addresses.class, description = "HOST:PORT of"
      + " any live member, or several as H1:P1,H2:P2 (default: the head started here, JRAY_ADDRESS,"
      + " or 127.0.0.1:6379).")
  String address;

  @Option(names = "--token-file", description = "The cluster token's file (default:"
      + " JRAY_CLUSTER_TOKEN, JRAY_CLUSTER_TOKEN_FILE, else ~/.jray/cluster-token).")
  Path tokenFile;

  @Override
  public Integer call() {
    String head = address != null ? address : defaultAddress();
    ClusterToken token = CommandTokens.forMember(tokenFile).token();
    Gcs gcs;
    try {
      gcs = GcsClient.connect(head, token);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    try (gcs) {
      print(gcs);
    }
    return 0;
  }

  private static String defaultAddress() {
    for (NodeProcesses.Entry e : NodeProcesses.list()) {
      if ("head".equals(e.role())) {
        return e.address();
      }
    }
    String env = System.getenv("JRAY_ADDRESS");
    if (env == null || env.isBlank()) {
      return "127.0.0.1:" + ClusterConfig.DEFAULT_HEAD_PORT;
    }
    return ClusterAddress.toText(ClusterAddress.parseList(env, "JRAY_ADDRESS"));
  }

  private static void print(Gcs gcs) {
    long now = System.currentTimeMillis();
    List<NodeRecord> nodes = new ArrayList<>(gcs.nodes().snapshot().values());
    nodes.sort(Comparator.comparing((NodeRecord n) -> !"head".equals(n.role()))
        .thenComparingLong(NodeRecord::startTimeMs));
    Map<String, NodeLoad> loads = new TreeMap<>();
    for (NodeLoad load : ClusterNode.loadsOf(gcs, nodes.stream().filter(NodeRecord::alive).toList())) {
      if (now - load.atMs() <= LOAD_STALE_MS) {
        loads.put(load.nodeId().toHex(), load);
      }
    }
    System.out.println("======== Cluster status: "
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + " ========");
    System.out.println("Node status");
    System.out.println("-".repeat(63));
    System.out.println("Active:");
    List<NodeRecord> active = nodes.stream().filter(n -> n.alive() && n.runsTasks()).toList();
    if (active.isEmpty()) {
      System.out.println(" (no active nodes)");
    }
    for (NodeRecord n : active) {
      System.out.println(" 1 node_" + n.nodeId().toHex() + " (" + n.role() + ", " + n.address() + ")");
    }
    byte[] scaling = gcs.kv().get(AutoscalerStatus.KEY);
    AutoscalerStatus autoscaler = scaling == null ? null : AutoscalerStatus.fromBytes(scaling);
    System.out.println("Pending:");
    if (autoscaler == null || autoscaler.pending().isEmpty()) {
      System.out.println(" (no pending nodes)");
    } else {
      autoscaler.pending().forEach(p -> System.out.println(" " + p + ": launching"));
    }
    System.out.println("Recent failures:");
    List<NodeRecord> dead = nodes.stream().filter(n -> !n.alive() && n.runsTasks()).toList();
    if (dead.isEmpty()) {
      System.out.println(" (no failures)");
    }
    for (NodeRecord n : dead) {
      System.out.println(" node_" + n.nodeId().toHex() + " (" + n.role() + ", " + n.address() + ") left the cluster");
    }
    if (autoscaler != null) {
      System.out.println("Autoscaler:");
      if (autoscaler.decisions().isEmpty()) {
        System.out.println(" (no decisions yet)");
      }
      autoscaler.decisions().forEach(d -> System.out.println(" " + d));
      autoscaler.infeasible().forEach(d -> System.out.println(" infeasible (no node type has it): "
          + d));
      autoscaler.capped().forEach(d -> System.out.println(" waiting for room under max_workers: "
          + d));
    }
    JobsApiLease.Holder jobsApi = JobsApiLease.serving(gcs);
    System.out.println(jobsApi == null ? "Jobs API: not served"
        : "Jobs API: " + jobsApi.url() + " (node_" + jobsApi.nodeId() + ")");
    System.out.println();
    System.out.println("Resources");
    System.out.println("-".repeat(63));
    System.out.println("Usage:");
    Map<String, double[]> usage = new TreeMap<>();
    long storeUsed = 0;
    long storeCapacity = 0;
    int storeObjects = 0;
    Map<String, Integer> demands = new TreeMap<>();
    for (NodeRecord n : active) {
      NodeLoad load = loads.get(n.nodeId().toHex());
      Map<String, Double> total = n.totalResources();
      Map<String, Double> available = load != null ? load.available() : total;
      total.forEach((name, amount) -> {
        if (!name.equals(ResourceSet.OBJECT_STORE_MEMORY) && !name.equals(ResourceSet.MEMORY)) {
          double[] u = usage.computeIfAbsent(name, k -> new double[2]);
          u[0] += amount - available.getOrDefault(name, 0.0);
          u[1] += amount;
        }
      });
      if (load != null) {
        storeUsed += load.storeUsedBytes();
        storeCapacity += load.storeCapacityBytes();
        storeObjects += load.storeObjects();
      } else {
        storeCapacity += total.getOrDefault(ResourceSet.OBJECT_STORE_MEMORY, 0.0).longValue();
      }
    }
    // drivers hold no resources but their pending work shows as demand
    loads.values().forEach(l -> l.demands().forEach((shape, count) -> demands.merge(shape, count, Integer::sum)));
    usage.forEach((name, u) -> System.out.printf(" %s/%s %s%n", number(u[0]), number(u[1]), name));
    System.out.printf(" %s/%s object_store_memory (%d objects)%n", bytes(storeUsed), bytes(storeCapacity), storeObjects);
    System.out.println();
    Map<String, Integer> groupDemands = new TreeMap<>();
    Map<String, Integer> growing = new TreeMap<>();
    for (PlacementGroupRecord g : gcs.placementGroups().snapshot().values()) {
      if (g.state() == PlacementGroupState.PENDING || g.state() == PlacementGroupState.RESCHEDULING) {
        groupDemands.merge(groupShape(g, false), 1, Integer::sum);
      } else if (g.state() == PlacementGroupState.CREATED && !g.isComplete()) {
        // an elastic group short of its maximum
        growing.merge(groupShape(g, true), 1, Integer::sum);
      }
    }
    System.out.println("Demands:");
    if (demands.isEmpty() && groupDemands.isEmpty() && growing.isEmpty()) {
      System.out.println(" (no resource demands)");
    }
    demands.forEach((shape, count) -> System.out.println(" " + shape + ": " + count + "+ pending tasks/actors"));
    groupDemands.forEach((shape, count) -> System.out.println(" " + shape + ": " + count + "+ pending placement groups"));
    growing.forEach((shape, count) -> System.out.println(" " + shape + ": " + count
        + "+ elastic placement groups short of their maximum"));
  }

  /**
   * A group's bundles as Ray's status shows them: {@code {CPU=1.0} * 4 (STRICT_SPREAD)}; with
   * {@code missingOnly}, only those not reserved (what an elastic group still grows by).
   */
  private static String groupShape(PlacementGroupRecord g, boolean missingOnly) {
    Map<String, Integer> shapes = new java.util.LinkedHashMap<>();
    for (int i = 0; i < g.bundles().size(); i++) {
      if (!missingOnly || g.bundleNodes().get(i) == null) {
        shapes.merge(new TreeMap<>(g.bundles().get(i)).toString(), 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    shapes.forEach((shape, n) -> parts.add(shape + " * " + n));
    return String.join(" | ", parts) + " (" + g.strategy() + ")";
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.format("%.1f", v) : String.format("%.2f", v);
  }

  private static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format("%.2fGiB", b / (double) (1L << 30));
    }
    if (b >= 1L << 20) {
      return String.format("%.2fMiB", b / (double) (1L << 20));
    }
    return b + "B";
  }
}
