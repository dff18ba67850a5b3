package dev.jray.jobs.internals;

import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Ray's state API ({@code GET /api/v0/KIND}): nodes, actors, placement groups and jobs from the
 * GCS, tasks gathered from every node's task events ({@link TaskRows}), with Ray's query parameters ({@code limit}, {@code detail}, {@code
 * filter_keys}/{@code filter_predicates}/{@code filter_values}) and Ray's envelope ({@code
 * {"result": true, "msg": "", "data": {"result": {"total", "num_after_truncation",
 * "num_filtered", "result": [...]}}}}). A filter on a field the kind does not have, a predicate
 * other than {@code =} or {@code !=}, or a bad limit is a 400 naming it.
 *
 * <p>Threading: handlers run on the HTTP verticle's event loop and hand the GCS reads to {@code
 * answer}, which runs them off it.
 */
public final class StateRoutes {
  /** Ray's default and largest {@code limit}. */
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  /** Filters per request at most: each is a linear pass. */
  static final int MAX_FILTERS = 32;
  /** The longest a list of actors or workers waits for a node's pid (the dashboard polls it). */
  static final Duration PID_WAIT = Duration.ofSeconds(2);

  private StateRoutes() {}

  /**
   * Mounts the routes; {@code jobs} lists the jobs as {@code GET /api/jobs/} does.
   *
   * @param answer runs a request's work off the event loop and answers with its JSON (an {@link
   *     ApiError} with its status)
   */
  public static void mount(Router router, Gcs gcs, ClusterRows nodes, Supplier<JsonArray> jobs,
      BiConsumer<RoutingContext, Callable<Object>> answer) {
    router.get("/api/v0/tasks").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), StateSchema.TASKS);
      return answer(query, nodes.tasks(query.timeout()));
    }));
    router.get("/api/v0/objects").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), StateSchema.OBJECTS);
      return answer(query, nodes.objects(query.timeout()));
    }));
    router.get("/api/v0/objects/summarize").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), StateSchema.OBJECTS);
      ClusterRows.Gathered gathered = nodes.objects(query.timeout());
      List<JsonObject> kept = query.kept(gathered.rows());
      return summary(StateSummaries.objects(kept), gathered, kept.size());
    }));
    router.get("/api/v0/tasks/summarize").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), StateSchema.TASKS);
      ClusterRows.Gathered gathered = nodes.tasks(query.timeout());
      List<JsonObject> kept = query.kept(gathered.rows());
      return summary(StateSummaries.tasks(kept), gathered, kept.size());
    }));
    router.get("/api/v0/tasks/timeline").handler(ctx -> {
      String download = ctx.queryParams().get("download");
      if (download != null && !download.isEmpty() && !download.equals("0")
          && !download.equalsIgnoreCase("false")) {
        // as Ray's dashboard: a browser saves the trace as a file
        ctx.response().putHeader("Content-Disposition", "attachment; filename=\"timeline-"
            + nodes.nowMs() + ".json\"");
      }
      answer.accept(ctx, () -> {
        String job = ctx.queryParams().get("job_id");
        List<JsonObject> rows = nodes.tasks(StateQuery.timeout(ctx.queryParams())).rows()
            .stream().filter(r -> job == null || job.equals(r.getString("job_id"))).toList();
        return StateSummaries.timeline(rows, nodes.nowMs());
      });
    });
    router.get("/api/v0/actors/summarize").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), StateSchema.ACTORS);
      List<JsonObject> actors = actors(gcs, Map.of());
      List<JsonObject> kept = query.kept(actors);
      return summary(StateSummaries.actors(kept), gathered(actors), kept.size());
    }));
    route(router, answer, StateSchema.NODES, q -> gathered(nodes(gcs)));
    route(router, answer, StateSchema.WORKERS, q -> gathered(workers(gcs,
        nodes.processes(pidWait(q)))));
    route(router, answer, StateSchema.ACTORS, q -> gathered(actors(gcs,
        nodes.processes(pidWait(q)))));
    route(router, answer, StateSchema.PLACEMENT_GROUPS, q -> gathered(placementGroups(gcs)));
    route(router, answer, StateSchema.JOBS,
        q -> gathered(jobs.get().stream().map(j -> (JsonObject) j).toList()));
  }

  /** How long a list of actors or workers waits for the pids: they are not worth the default 5 s. */
  private static Duration pidWait(StateQuery query) {
    return query.timeout().compareTo(PID_WAIT) < 0 ? query.timeout() : PID_WAIT;
  }

  private static ClusterRows.Gathered gathered(List<JsonObject> rows) {
    return new ClusterRows.Gathered(rows, rows.size(), "", List.of());
  }

  private static void route(Router router, BiConsumer<RoutingContext, Callable<Object>> answer,
      StateSchema schema, Function<StateQuery, ClusterRows.Gathered> rows) {
    router.get("/api/v0/" + schema.kind()).handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), schema);
      return answer(query, rows.apply(query));
    }));
  }

  /**
   * Ray's list answer: {@code total} the rows the sources had, {@code num_after_truncation} those
   * they sent (before filters), {@code num_filtered} those the filters kept, then sorted by id and
   * cut to the limit, as Ray's state aggregator does.
   */
  static JsonObject answer(StateQuery query, ClusterRows.Gathered gathered) {
    List<JsonObject> kept = query.kept(gathered.rows());
    String id = query.schema().idColumn();
    kept.sort(Comparator.comparing(r -> String.valueOf(r.getValue(id) == null ? ""
        : r.getValue(id))));
    JsonArray shown = new JsonArray();
    kept.stream().limit(query.limit()).forEach(row -> shown.add(query.detail() ? row
        : query.brief(row)));
    return envelope(new JsonObject()
        .put("total", Math.max(gathered.total(), gathered.rows().size()))
        .put("num_after_truncation", gathered.rows().size())
        .put("num_filtered", kept.size())
        .put("result", shown), gathered);
  }

  /**
   * Ray's summary answer: the counts (of the {@code filtered} rows the request's filters kept)
   * nested under {@code result}, with the list's totals.
   */
  private static JsonObject summary(JsonObject counts, ClusterRows.Gathered gathered,
      int filtered) {
    return envelope(new JsonObject()
        .put("total", Math.max(gathered.total(), gathered.rows().size()))
        .put("num_after_truncation", gathered.rows().size())
        .put("num_filtered", filtered)
        .put("result", counts), gathered);
  }

  private static JsonObject envelope(JsonObject result, ClusterRows.Gathered gathered) {
    return new JsonObject().put("result", true).put("msg", "").put("data", new JsonObject()
        .put("result", result.put("partial_failure_warning", gathered.warning())
            .put("warnings", gathered.warnings().isEmpty() ? null
                : new JsonArray(new ArrayList<>(gathered.warnings())))));
  }

  /** The nodes, as Ray lists raylets: not drivers, nor a node's worker processes. */
  static List<JsonObject> nodes(Gcs gcs) {
    List<JsonObject> rows = new ArrayList<>();
    gcs.nodes().snapshot().values().stream().filter(NodeRecord::runsTasks)
        .forEach(n -> rows.add(node(n)));
    return rows;
  }

  private static JsonObject node(NodeRecord n) {
    return new JsonObject()
        .put("node_id", n.nodeId().toString())
        .put("node_ip", host(n))
        .put("is_head_node", "head".equals(n.role()))
        .put("state", n.alive() ? "ALIVE" : "DEAD")
        .put("state_message", (Object) null)
        .put("node_name", n.hostname())
        .put("resources_total", resources(n.totalResources()))
        .put("labels", new JsonObject())
        .put("start_time_ms", n.startTimeMs())
        .put("end_time_ms", (Object) null)
        .put("role", n.role())
        .put("object_transfer_port", n.objectTransferPort())
        .put("link_port", n.linkPort());
  }

  private static String host(NodeRecord n) {
    return n.address() == null ? null : n.address().replaceFirst(":\\d+$", "");
  }

  /**
   * Drivers and worker processes, as Ray's {@code list_workers}: each is a JVM with a record of
   * its own; {@code processes} (by id) has the pid and, for a worker process, its node, which an
   * attached process's record also names (its host).
   */
  static List<JsonObject> workers(Gcs gcs, Map<String, JsonObject> processes) {
    List<JsonObject> rows = new ArrayList<>();
    for (NodeRecord n : gcs.nodes().snapshot().values()) {
      if (n.runsTasks()) {
        continue;
      }
      JsonObject process = processes.get(n.nodeId().toHex());
      boolean driver = "driver".equals(n.role());
      rows.add(new JsonObject()
          .put("worker_id", n.nodeId().toString())
          .put("is_alive", n.alive())
          .put("worker_type", driver ? "DRIVER" : "WORKER")
          .put("exit_type", (Object) null) // the GCS keeps no reason why a JVM left
          .put("node_id", n.attached() ? n.host().toHex() : driver ? null
              : process == null ? null : process.getString("host_node_id"))
          .put("ip", host(n))
          .put("pid", process == null ? null : process.getValue("pid"))
          .put("exit_detail", (Object) null)
          .put("start_time_ms", n.startTimeMs())
          .put("end_time_ms", (Object) null)
          .put("role", n.role()));
    }
    return rows;
  }

  /** The actors; {@code processes} (by node id) has the pid of the JVM hosting each. */
  static List<JsonObject> actors(Gcs gcs, Map<String, JsonObject> processes) {
    List<JsonObject> rows = new ArrayList<>();
    gcs.actors().snapshot().values().forEach(a -> rows.add(actor(a, processes)));
    return rows;
  }

  private static JsonObject actor(ActorRecord a, Map<String, JsonObject> processes) {
    String node = a.nodeId() == null ? null : a.nodeId().toString();
    JsonObject process = node == null ? null : processes.get(a.nodeId().toHex());
    return new JsonObject()
        .put("actor_id", a.actorId().toString())
        .put("class_name", a.className())
        .put("state", a.state().name())
        .put("job_id", a.jobId() == null ? null : a.jobId().toString())
        .put("name", a.name() == null ? "" : a.name())
        .put("node_id", node)
        .put("pid", process == null ? null : process.getValue("pid"))
        .put("ray_namespace", a.namespace())
        .put("is_detached", a.detached())
        .put("num_restarts", a.numRestarts())
        .put("max_restarts", a.maxRestarts())
        .put("max_task_retries", a.maxTaskRetries())
        .put("death_cause", a.deathCause());
  }

  static List<JsonObject> placementGroups(Gcs gcs) {
    List<JsonObject> rows = new ArrayList<>();
    gcs.placementGroups().snapshot().values().forEach(g -> rows.add(placementGroup(g)));
    return rows;
  }

  private static JsonObject placementGroup(PlacementGroupRecord g) {
    JsonArray bundles = new JsonArray();
    for (int i = 0; i < g.bundles().size(); i++) {
      bundles.add(new JsonObject()
          .put("bundle_index", i)
          .put("node_id", i < g.bundleNodes().size() && g.bundleNodes().get(i) != null
              ? g.bundleNodes().get(i).toString() : null)
          .put("unit_resources", resources(g.bundles().get(i))));
    }
    return new JsonObject()
        .put("placement_group_id", g.id().toString())
        .put("name", g.name() == null ? "" : g.name())
        .put("creator_job_id", g.jobId() == null ? null : g.jobId().toString())
        .put("state", g.state().name())
        .put("ray_namespace", g.namespace())
        .put("strategy", g.strategy().name())
        .put("bundles", bundles)
        .put("is_detached", g.detached())
        .put("min_bundles", g.minBundles())
        .put("created_at_ms", g.createdAtMs());
  }

  private static JsonObject resources(Map<String, Double> amounts) {
    JsonObject r = new JsonObject();
    amounts.forEach(r::put);
    return r;
  }
}
