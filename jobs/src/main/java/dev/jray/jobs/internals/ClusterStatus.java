package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/cluster_status}: the cluster now, from the GCS's node table and the {@link
 * NodeLoad} each live node writes about once a second: every node with its load, the resources
 * used and total by name (placement groups' renamed copies left out, as {@code ray status} does),
 * and how many nodes are alive and dead (drivers, which are members too, counted apart). {@link
 * #sample} boils one down to a point of the dashboard's charts.
 */
public final class ClusterStatus {
  private ClusterStatus() {}

  /** The cluster now. Blocks on the GCS. */
  public static JsonObject read(Gcs gcs, long nowMs) {
    // the head first, then workers, then drivers, each by start time: a stable order for the page
    List<NodeRecord> nodes = gcs.nodes().snapshot().values().stream()
        .sorted(Comparator.comparingInt(ClusterStatus::rank).thenComparingLong(NodeRecord::startTimeMs))
        .toList();
    List<NodeRecord> alive = nodes.stream().filter(NodeRecord::alive).toList();
    long drivers = alive.stream().filter(ClusterStatus::isDriver).count();
    long deadNodes = nodes.stream().filter(n -> !n.alive() && !isDriver(n)).count();
    Map<String, NodeLoad> loads = new HashMap<>();
    NodeLoad.latest(gcs, alive).forEach(l -> loads.put(l.nodeId().toHex(), l));
    Map<String, double[]> resources = new TreeMap<>(); // name → {used, total}
    JsonArray rows = new JsonArray();
    for (NodeRecord n : nodes) {
      NodeLoad load = n.alive() ? loads.get(n.nodeId().toHex()) : null;
      JsonObject row = new JsonObject()
          .put("node_id", n.nodeId().toString())
          .put("state", n.alive() ? "ALIVE" : "DEAD")
          .put("role", n.role())
          .put("is_head_node", "head".equals(n.role()))
          .put("node_ip", n.address() == null ? null : n.address().replaceFirst(":\\d+$", ""));
      if (load != null && !isDriver(n)) {
        load.total().forEach((name, total) -> {
          if (!name.contains("_group_")) {
            double[] r = resources.computeIfAbsent(name, k -> new double[2]);
            r[0] += total - load.available().getOrDefault(name, total);
            r[1] += total;
          }
        });
        row.put("resources_total", new JsonObject(new HashMap<>(load.total())))
            .put("resources_available", new JsonObject(new HashMap<>(load.available())))
            .put("cpu_utilization", load.cpuUtilization() < 0 ? null : load.cpuUtilization())
            .put("memory_used_bytes", load.memoryUsedBytes())
            .put("memory_total_bytes", load.memoryTotalBytes())
            .put("object_store_used_bytes", load.storeUsedBytes())
            .put("object_store_capacity_bytes", load.storeCapacityBytes())
            .put("object_store_objects", load.storeObjects())
            .put("tasks_finished_total", load.tasksFinished())
            .put("tasks_failed_total", load.tasksFailed())
            .put("load_at_ms", load.atMs());
      }
      rows.add(row);
    }
    JsonObject used = new JsonObject();
    resources.forEach((name, r) -> used.put(name, new JsonObject().put("used", r[0]).put("total", r[1])));
    return new JsonObject().put("at_ms", nowMs).put("nodes", rows).put("resources", used)
        .put("nodes_alive", alive.size() - drivers).put("nodes_dead", deadNodes)
        .put("drivers_alive", drivers);
  }

  private static int rank(NodeRecord n) {
    return "head".equals(n.role()) ? 0 : isDriver(n) ? 2 : 1;
  }

  /** A driver's JVM: a member that runs no tasks, not a node in Ray's sense. */
  private static boolean isDriver(NodeRecord n) {
    return "driver".equals(n.role());
  }

  /**
   * One point of the charts: CPU (the resource in use and total; the nodes' mean machine
   * utilization, null if none said), memory and object store summed over the live nodes.
   */
  public static JsonObject sample(JsonObject status) {
    double utilization = 0;
    int utilizations = 0;
    long memoryUsed = 0;
    long memoryTotal = 0;
    long storeUsed = 0;
    long storeCapacity = 0;
    long tasksEnded = 0;
    for (Object o : status.getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      tasksEnded += n.getLong("tasks_finished_total", 0L) + n.getLong("tasks_failed_total", 0L);
      if (n.getDouble("cpu_utilization") != null) {
        utilization += n.getDouble("cpu_utilization");
        utilizations++;
      }
      memoryUsed += n.getLong("memory_used_bytes", 0L);
      memoryTotal += n.getLong("memory_total_bytes", 0L);
      storeUsed += n.getLong("object_store_used_bytes", 0L);
      storeCapacity += n.getLong("object_store_capacity_bytes", 0L);
    }
    JsonObject cpu = status.getJsonObject("resources").getJsonObject("CPU", new JsonObject());
    return new JsonObject().put("t", status.getLong("at_ms"))
        .put("cpu_used", cpu.getDouble("used", 0.0)).put("cpu_total", cpu.getDouble("total", 0.0))
        .put("cpu_utilization", utilizations == 0 ? null : utilization / utilizations)
        .put("memory_used_bytes", memoryUsed).put("memory_total_bytes", memoryTotal)
        .put("object_store_used_bytes", storeUsed).put("object_store_capacity_bytes", storeCapacity)
        .put("nodes_alive", status.getInteger("nodes_alive"))
        .put("tasks_ended_total", tasksEnded);
  }
}
