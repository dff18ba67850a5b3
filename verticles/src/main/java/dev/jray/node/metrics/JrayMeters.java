package dev.jray.node.metrics;

import dev.jray.gcs.ActorState;
import dev.jray.link.LinkTraffic;
import dev.jray.node.NodeOptions;
import dev.jray.node.NodeVerticle;
import dev.jray.placement.PlacementVerticle;
import dev.jray.runtime.TaskEvents;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectStoreVerticle;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * jray's own meters of one node, with Ray's meanings under jray's names: object store memory and
 * objects by {@code Location} ({@code MMAP_SHM} in memory, {@code SPILLED} on disk), the actors
 * hosted here ({@code State=ALIVE}), the cluster's actors by {@code State} (on the head, from the
 * GCS), tasks by {@code State} (RUNNING here now, PENDING_NODE_ASSIGNMENT queued at this node's
 * scheduler, FINISHED and FAILED here since it started), resources by {@code Name} and {@code State} ({@code USED},
 * {@code AVAILABLE}), placement groups by {@code State} (on the node whose placement service is
 * active, the leader), the node's CPU utilization (percent) and memory, object transfer bytes and
 * link bytes and frames by {@code Direction} ({@code sent}, {@code received}).
 *
 * <p>Threading: the gauges read {@link #refresh}'s snapshot and the node's thread-safe counters;
 * {@link #refresh} and the scrape run on one worker thread at a time per scrape (an overlapping
 * scrape sees one snapshot or the other, each whole).
 */
final class JrayMeters {
  private static final long PLACEMENT_STATS_TIMEOUT_MS = 5_000;
  private static final String LOCATION = "Location";
  private static final String STATE = "State";
  private static final String DIRECTION = "Direction";

  private final NodeVerticle node;
  private final MultiGauge resources;
  private final MultiGauge placementGroups;
  /** The cluster's actors by state, on the head (or embedded node) only: it reads the GCS. */
  private final MultiGauge clusterActors;
  /** The store's counts at the last refresh; written by the scraping thread. */
  private volatile ObjectStore.Stats store;
  /** Tasks queued at this node's scheduler at the last refresh; written by the scraping thread. */
  private volatile int queuedTasks;

  JrayMeters(MeterRegistry registry, NodeVerticle node) {
    this.node = node;
    this.store = node.store().stats();
    storeGauge(registry, "jray.object_store_memory", "MMAP_SHM", BaseUnits.BYTES,
        ObjectStore.Stats::usedBytes);
    storeGauge(registry, "jray.object_store_memory", "SPILLED", BaseUnits.BYTES,
        ObjectStore.Stats::spilledBytes);
    storeGauge(registry, "jray.object_store_objects", "MMAP_SHM", null,
        ObjectStore.Stats::objectCount);
    storeGauge(registry, "jray.object_store_objects", "SPILLED", null,
        ObjectStore.Stats::spilledCount);
    Gauge.builder("jray.object_store_available_memory", this, m -> m.store.capacity()
            - m.store.usedBytes())
        .baseUnit(BaseUnits.BYTES).description("Object store memory not in use")
        .register(registry);
    Gauge.builder("jray.actors", node, n -> n.worker().hostedActorCount()).tag(STATE, "ALIVE")
        .description("Actors hosted on this node, by state").register(registry);
    taskMeters(registry, node.worker().taskEvents());
    Gauge.builder("jray.tasks", this, m -> m.queuedTasks).tag(STATE, "PENDING_NODE_ASSIGNMENT")
        .description("Tasks queued at this node's scheduler for resources").register(registry);
    clusterActors = MultiGauge.builder("jray.cluster_actors")
        .description("The cluster's actors by state (PENDING_CREATION, ALIVE, RESTARTING, DEAD),"
            + " on the head")
        .register(registry);
    resources = MultiGauge.builder("jray.resources")
        .description("This node's logical resources, by name and state (USED, AVAILABLE)")
        .register(registry);
    placementGroups = MultiGauge.builder("jray.placement_groups")
        .description("Placement groups by state, on the node whose placement service is active")
        .register(registry);
    nodeGauges(registry);
    ObjectStoreVerticle storePart = node.storePart();
    transferCounter(registry, "sent", storePart, ObjectStoreVerticle::transferSentBytes);
    transferCounter(registry, "received", storePart, ObjectStoreVerticle::transferReceivedBytes);
    LinkTraffic links = node.linkTraffic();
    linkCounters(registry, "sent", links, LinkTraffic::sentBytes, LinkTraffic::sentFrames);
    linkCounters(registry, "received", links, LinkTraffic::receivedBytes,
        LinkTraffic::receivedFrames);
  }

  private void storeGauge(MeterRegistry registry, String name, String location, String unit,
      ToDoubleFunction<ObjectStore.Stats> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.store)).tag(LOCATION, location)
        .baseUnit(unit).description("Object store " + (unit == null ? "objects" : "memory")
            + " by location (MMAP_SHM: in memory, SPILLED: on disk)")
        .register(registry);
  }

  /** Tasks by state, from the counts the node's task events keep (read at scrape time). */
  private static void taskMeters(MeterRegistry registry, TaskEvents events) {
    Gauge.builder("jray.tasks", events, e -> e.counts().running()).tag(STATE, "RUNNING")
        .description("Tasks, actor calls and creations running on this node").register(registry);
    // Ray's tasks gauge counts ended tasks too: since the node started
    Gauge.builder("jray.tasks", events, e -> e.counts().finished()).tag(STATE, "FINISHED")
        .register(registry);
    Gauge.builder("jray.tasks", events, e -> e.counts().failed()).tag(STATE, "FAILED")
        .register(registry);
    FunctionCounter.builder("jray.tasks.submitted", events, e -> e.counts().submitted())
        .description("Tasks and actor calls this node's owners submitted").register(registry);
    FunctionCounter.builder("jray.tasks.finished", events, e -> e.counts().finished())
        .description("Tasks, actor calls and creations that finished on this node")
        .register(registry);
    FunctionCounter.builder("jray.tasks.failed", events, e -> e.counts().failed())
        .description("Those that failed on this node, or that its owners failed")
        .register(registry);
  }

  private static void nodeGauges(MeterRegistry registry) {
    if (!(ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os)) {
      return; // a JVM without the extended bean reports no node CPU or memory
    }
    Gauge.builder("jray.node.cpu_utilization", os, o -> Math.max(0, o.getCpuLoad()) * 100)
        .description("The machine's CPU utilization, percent").register(registry);
    Gauge.builder("jray.node.mem_total", os, o -> o.getTotalMemorySize())
        .baseUnit(BaseUnits.BYTES).description("The machine's memory").register(registry);
    Gauge.builder("jray.node.mem_used", os, o -> o.getTotalMemorySize() - o.getFreeMemorySize())
        .baseUnit(BaseUnits.BYTES).description("The machine's memory in use").register(registry);
  }

  private static void transferCounter(MeterRegistry registry, String direction,
      ObjectStoreVerticle store, ToDoubleFunction<ObjectStoreVerticle> bytes) {
    FunctionCounter.builder("jray.object_transfer", store, bytes).tag(DIRECTION, direction)
        .baseUnit(BaseUnits.BYTES).description("Bytes of objects moved between nodes' stores")
        .register(registry);
  }

  private static void linkCounters(MeterRegistry registry, String direction, LinkTraffic links,
      ToDoubleFunction<LinkTraffic> bytes, ToDoubleFunction<LinkTraffic> frames) {
    FunctionCounter.builder("jray.link", links, bytes).tag(DIRECTION, direction)
        .baseUnit(BaseUnits.BYTES).description("Bytes on the direct links between nodes")
        .register(registry);
    FunctionCounter.builder("jray.link.frames", links, frames).tag(DIRECTION, direction)
        .description("Frames (tasks, results, calls, requests) on the links between nodes")
        .register(registry);
  }

  /**
   * The stats of this node's placement service, or null when it is not the active one or does
   * not answer (a driver has none). Never fails.
   */
  Future<JsonObject> placementStats(Vertx vertx) {
    if (node.placement() == null) {
      return Future.succeededFuture(null);
    }
    return vertx.eventBus().<JsonObject>request(PlacementVerticle.statsAddress(
            node.options().nodeId()), new JsonObject(),
            new DeliveryOptions().setSendTimeout(PLACEMENT_STATS_TIMEOUT_MS).setLocalOnly(true))
        .map(m -> m.body().getBoolean("active", false) ? m.body() : null)
        .otherwise((JsonObject) null);
  }

  /** Reads the store's counts and the scheduler's resources; {@code placement} may be null. */
  void refresh(JsonObject placement) {
    store = node.store().stats();
    SchedulerMessages.ResourceReport report = node.scheduler().report();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<String, Double> total : report.total().entrySet()) {
      double available = report.available().getOrDefault(total.getKey(), 0.0);
      rows.add(MultiGauge.Row.of(Tags.of("Name", total.getKey(), STATE, "USED"),
          total.getValue() - available));
      rows.add(MultiGauge.Row.of(Tags.of("Name", total.getKey(), STATE, "AVAILABLE"), available));
    }
    resources.register(rows, true);
    queuedTasks = report.queued();
    if (NodeOptions.HEAD.equals(node.options().role())
        || NodeOptions.EMBEDDED.equals(node.options().role())) {
      Map<ActorState, Integer> byState = new EnumMap<>(ActorState.class);
      for (ActorState state : ActorState.values()) {
        byState.put(state, 0);
      }
      node.gcs().actors().snapshot().values().forEach(a -> byState.merge(a.state(), 1,
          Integer::sum));
      List<MultiGauge.Row<?>> actorRows = new ArrayList<>();
      byState.forEach((state, n) -> actorRows.add(MultiGauge.Row.of(Tags.of(STATE,
          state.name()), n)));
      clusterActors.register(actorRows, true);
    }
    List<MultiGauge.Row<?>> groups = new ArrayList<>();
    JsonObject states = placement == null ? null : placement.getJsonObject("states");
    if (states != null) {
      states.forEach(e -> groups.add(MultiGauge.Row.of(Tags.of(STATE, e.getKey()),
          ((Number) e.getValue()).doubleValue())));
    }
    placementGroups.register(groups, true);
  }
}
