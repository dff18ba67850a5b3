package dev.jray.jobs.internals;

import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
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
  /** Ray's object columns, and where a copy is. */
  static final Set<String> OBJECT_COLUMNS = Set.of("object_id", "object_size", "task_status",
      "reference_type", "call_site", "type", "pid", "ip", "node_id", "location");

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
      StateQuery query = StateQuery.of(ctx.queryParams(), TaskRows.COLUMNS);
      ClusterRows.Gathered gathered = nodes.tasks();
      return answer(query, gathered.rows(), gathered.warning());
    }));
    router.get("/api/v0/objects").handler(ctx -> answer.accept(ctx, () -> {
      StateQuery query = StateQuery.of(ctx.queryParams(), OBJECT_COLUMNS);
      ClusterRows.Gathered gathered = nodes.objects();
      return answer(query, gathered.rows(), gathered.warning());
    }));
    router.get("/api/v0/objects/summarize").handler(ctx -> answer.accept(ctx, () -> {
      ClusterRows.Gathered gathered = nodes.objects();
      return envelope(StateSummaries.objects(gathered.rows()), gathered.warning());
    }));
    router.get("/api/v0/tasks/summarize").handler(ctx -> answer.accept(ctx, () -> {
      ClusterRows.Gathered gathered = nodes.tasks();
      return envelope(StateSummaries.tasks(gathered.rows()), gathered.warning());
    }));
    router.get("/api/v0/tasks/timeline").handler(ctx -> answer.accept(ctx, () -> {
      String job = ctx.queryParams().get("job_id");
      List<JsonObject> rows = nodes.tasks().rows().stream()
          .filter(r -> job == null || job.equals(r.getString("job_id"))).toList();
      return StateSummaries.timeline(rows, nodes.nowMs());
    }));
    router.get("/api/v0/actors/summarize").handler(ctx -> answer.accept(ctx,
        () -> envelope(StateSummaries.actors(actors(gcs)), "")));
    route(router, answer, "nodes", Set.of("node_id", "node_ip", "is_head_node", "state",
        "node_name", "resources_total", "start_time_ms"), () -> nodes(gcs));
    route(router, answer, "actors", Set.of("actor_id", "class_name", "state", "job_id",
        "name", "node_id", "pid", "ray_namespace"), () -> actors(gcs));
    route(router, answer, "placement_groups", Set.of("placement_group_id", "name",
        "creator_job_id", "state"), () -> placementGroups(gcs));
    route(router, answer, "jobs", Set.of("job_id", "submission_id", "status", "type",
        "entrypoint"), () -> jobs.get().stream().map(j -> (JsonObject) j).toList());
  }

  private static void route(Router router, BiConsumer<RoutingContext, Callable<Object>> answer,
      String kind, Set<String> columns, Supplier<List<JsonObject>> rows) {
    router.get("/api/v0/" + kind).handler(ctx -> answer.accept(ctx,
        () -> answer(StateQuery.of(ctx.queryParams(), columns), rows.get())));
  }

  /** Ray's envelope around the rows {@code query} keeps. */
  static JsonObject answer(StateQuery query, List<JsonObject> rows) {
    return answer(query, rows, "");
  }

  /** Ray's envelope around the rows {@code query} keeps, with a warning if some were missing. */
  static JsonObject answer(StateQuery query, List<JsonObject> rows, String warning) {
    List<JsonObject> kept = new ArrayList<>();
    for (JsonObject row : rows) {
      if (query.matches(row)) {
        kept.add(row);
      }
    }
    JsonArray shown = new JsonArray();
    kept.stream().limit(query.limit()).forEach(row -> shown.add(query.detail() ? row
        : query.brief(row)));
    return envelope(new JsonObject()
        .put("total", rows.size())
        .put("num_after_truncation", shown.size())
        .put("num_filtered", kept.size())
        .put("result", shown), warning);
  }

  private static JsonObject envelope(JsonObject result, String warning) {
    return new JsonObject().put("result", true).put("msg", "").put("data", new JsonObject()
        .put("result", result.put("partial_failure_warning", warning)
            .put("warnings", (Object) null)));
  }

  static List<JsonObject> nodes(Gcs gcs) {
    List<JsonObject> rows = new ArrayList<>();
    gcs.nodes().snapshot().values().forEach(n -> rows.add(node(n)));
    return rows;
  }

  private static JsonObject node(NodeRecord n) {
    String host = n.address() == null ? null : n.address().replaceFirst(":\\d+$", "");
    return new JsonObject()
        .put("node_id", n.nodeId().toString())
        .put("node_ip", host)
        .put("is_head_node", "head".equals(n.role()))
        .put("state", n.alive() ? "ALIVE" : "DEAD")
        .put("node_name", n.hostname())
        .put("resources_total", resources(n.totalResources()))
        .put("start_time_ms", n.startTimeMs())
        .put("role", n.role())
        .put("object_transfer_port", n.objectTransferPort())
        .put("link_port", n.linkPort());
  }

  static List<JsonObject> actors(Gcs gcs) {
    List<JsonObject> rows = new ArrayList<>();
    gcs.actors().snapshot().values().forEach(a -> rows.add(actor(a)));
    return rows;
  }

  private static JsonObject actor(ActorRecord a) {
    return new JsonObject()
        .put("actor_id", a.actorId().toString())
        .put("class_name", a.className())
        .put("state", a.state().name())
        .put("job_id", a.jobId() == null ? null : a.jobId().toString())
        .put("name", a.name() == null ? "" : a.name())
        .put("node_id", a.nodeId() == null ? null : a.nodeId().toString())
        .put("pid", (Object) null) // actors run in their node's JVM: no pid of their own
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
        .put("created_at_ms", g.createdAtMs());
  }

  private static JsonObject resources(Map<String, Double> amounts) {
    JsonObject r = new JsonObject();
    amounts.forEach(r::put);
    return r;
  }
}
