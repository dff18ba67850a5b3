package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.node.WorkerPoolVerticle;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ray's state API paths, envelope, fields, filters, limit and errors, over records in the GCS. */
class StateApiContractTest {
  private JobsApi api;
  private final JobId job = JobId.fromInt(7);
  private final UniqueId head = IdFactory.newUniqueId();
  private final UniqueId worker = IdFactory.newUniqueId();

  @BeforeEach
  void start() throws Exception {
    api = new JobsApi();
    api.gcs.nodes().put(head, new NodeRecord(head, "head", "127.0.0.1:6379", "host-a", true,
        Map.of("CPU", 2.0), 4000, 4001, 1000L, null));
    api.gcs.nodes().put(worker, new NodeRecord(worker, "worker", "127.0.0.1:6380", "host-b",
        false, Map.of("CPU", 4.0, "GPU", 1.0), 4002, 4003, 2000L, null));
    for (int i = 0; i < 3; i++) {
      ActorId id = IdFactory.newActorId(job);
      api.gcs.actors().put(id, new ActorRecord(id, job, "Counter", i == 0 ? "first" : null,
          "ns", false, 0, 0, i == 2 ? ActorState.DEAD : ActorState.ALIVE, head, 0,
          i == 2 ? "killed by the test" : null, null));
    }
    PlacementGroupId group = IdFactory.newPlacementGroupId(job);
    api.gcs.placementGroups().put(group, PlacementGroupRecord.pending(group, "pg", "ns", job,
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD, 5L));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private JsonObject result(String pathAndQuery) {
    HttpResponse<Buffer> r = api.call(HttpMethod.GET, pathAndQuery, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(true, body.getBoolean("result"));
    assertEquals("", body.getString("msg"));
    return body.getJsonObject("data").getJsonObject("result");
  }

  @Test
  void nodesListedWithRayFields() {
    UniqueId driver = IdFactory.newUniqueId();
    api.gcs.nodes().put(driver, new NodeRecord(driver, "driver", "127.0.0.1:6390", "host-a",
        true, Map.of(), 0, 4010, 3000L, null));
    UniqueId process = IdFactory.newUniqueId();
    api.gcs.nodes().put(process, new NodeRecord(process, "worker-process", "127.0.0.1:6391",
        "host-a", true, Map.of(), 0, 4011, 4000L, null));
    UniqueId attached = IdFactory.newUniqueId(); // a worker process attached to the head
    api.gcs.nodes().put(attached, new NodeRecord(attached, "worker-process", "127.0.0.1:6392",
        "host-a", true, Map.of(), 0, 4012, 5000L, head));
    // the head answers its stats as a node does: its pid
    api.vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(head), m -> m.reply(
        new JsonObject().put("pid", 4242L).put("host_node_id", head.toHex())));
    api.vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(process),
        m -> m.reply(new JsonObject().put("pid", 4343L).put("host_node_id", head.toHex())));

    JsonObject r = result("/api/v0/nodes");
    assertEquals(2, r.getInteger("total"),
        "drivers and worker processes, attached or members, are not nodes");
    assertEquals(2, r.getInteger("num_after_truncation"));
    JsonObject h = r.getJsonArray("result").stream().map(o -> (JsonObject) o)
        .filter(n -> n.getString("node_id").equals(head.toString())).findFirst().orElseThrow();
    assertEquals(List.of("node_id", "node_ip", "is_head_node", "state", "state_message",
        "node_name", "resources_total", "labels"), List.copyOf(h.fieldNames()),
        "Ray's brief columns, in its order");
    assertEquals("127.0.0.1", h.getString("node_ip"));
    assertTrue(h.getBoolean("is_head_node"));
    assertEquals("ALIVE", h.getString("state"));
    assertEquals(2.0, h.getJsonObject("resources_total").getDouble("CPU"));
    assertNull(h.getValue("link_port"), "a brief row shows only the listed columns");
    JsonObject dead = result("/api/v0/nodes?filter_keys=state&filter_predicates=%3D"
        + "&filter_values=dead&detail=true");
    assertEquals(1, dead.getInteger("num_filtered"));
    JsonObject w = dead.getJsonArray("result").getJsonObject(0);
    assertEquals(worker.toString(), w.getString("node_id"));
    assertEquals(4003, w.getInteger("link_port"), "detail shows every field");
    assertEquals(2000L, w.getLong("start_time_ms"));
    JsonObject heads = result("/api/v0/nodes?filter_keys=is_head_node&filter_predicates=%3D"
        + "&filter_values=True");
    assertEquals(List.of(head.toString()), ids(heads, "node_id"), "a bool column parses True");
    assertEquals(List.of(worker.toString()), ids(result("/api/v0/nodes?filter_keys=NODE_NAME"
        + "&filter_predicates=%3D&filter_values=HOST-B"), "node_id"),
        "keys and string values compare case-insensitively");
    assertBad("/api/v0/nodes?filter_keys=resources_total&filter_predicates=%3D&filter_values=1",
        "filter_keys");

    JsonObject workers = result("/api/v0/workers");
    assertEquals(3, workers.getInteger("total"));
    JsonObject d = workers.getJsonArray("result").stream().map(o -> (JsonObject) o)
        .filter(x -> x.getString("worker_id").equals(driver.toString())).findFirst()
        .orElseThrow();
    assertEquals(List.of("worker_id", "is_alive", "worker_type", "exit_type", "node_id", "ip",
        "pid"), List.copyOf(d.fieldNames()));
    assertEquals("DRIVER", d.getString("worker_type"));
    assertTrue(d.getBoolean("is_alive"));
    assertNull(d.getValue("pid"), "a driver that does not answer has no known pid");
    JsonObject processes = result("/api/v0/workers?filter_keys=worker_type&filter_predicates=%3D"
        + "&filter_values=worker");
    assertEquals(2, processes.getInteger("num_filtered"));
    JsonObject p = row(processes, "worker_id", process);
    assertEquals(4343L, p.getLong("pid"));
    assertEquals(head.toHex(), p.getString("node_id"), "a worker process's node");
    JsonObject a = row(processes, "worker_id", attached);
    assertTrue(a.getBoolean("is_alive"));
    assertNull(a.getValue("pid"), "an attached process does not answer on the event bus");
    assertEquals(head.toHex(), a.getString("node_id"), "its record names its host");

    JsonObject actor = result("/api/v0/actors?filter_keys=name&filter_predicates=%3D"
        + "&filter_values=FIRST").getJsonArray("result").getJsonObject(0);
    assertEquals(4242L, actor.getLong("pid"), "the pid of the JVM hosting the actor");
  }

  private static JsonObject row(JsonObject result, String field, UniqueId id) {
    return result.getJsonArray("result").stream().map(o -> (JsonObject) o)
        .filter(x -> x.getString(field).equals(id.toString())).findFirst().orElseThrow();
  }

  private static List<String> ids(JsonObject result, String field) {
    return result.getJsonArray("result").stream().map(o -> ((JsonObject) o).getString(field))
        .toList();
  }

  @Test
  void actorsFilteredAndLimited() {
    JsonObject all = result("/api/v0/actors");
    assertEquals(3, all.getInteger("total"));
    JsonObject first = all.getJsonArray("result").getJsonObject(0);
    for (String field : List.of("actor_id", "class_name", "state", "job_id", "name", "node_id",
        "ray_namespace")) {
      assertTrue(first.containsKey(field), field);
    }
    List<String> sorted = ids(all, "actor_id").stream().sorted().toList();
    assertEquals(sorted, ids(all, "actor_id"), "rows sorted by id, as Ray");
    JsonObject alive = result("/api/v0/actors?filter_keys=state&filter_predicates=%21%3D"
        + "&filter_values=dead&limit=1");
    assertEquals(3, alive.getInteger("total"));
    assertEquals(3, alive.getInteger("num_after_truncation"), "before filters and limit");
    assertEquals(2, alive.getInteger("num_filtered"));
    assertEquals(1, alive.getJsonArray("result").size());
    assertEquals("ALIVE", alive.getJsonArray("result").getJsonObject(0).getString("state"));
    JsonObject none = result("/api/v0/actors?limit=0");
    assertEquals(3, none.getInteger("num_filtered"));
    assertEquals(0, none.getJsonArray("result").size(), "limit 0 is allowed, as Ray");
    JsonObject named = result("/api/v0/actors?filter_keys=name&filter_predicates=%3D"
        + "&filter_values=first&filter_keys=job_id&filter_predicates=%3D&filter_values="
        + job);
    assertEquals(1, named.getInteger("num_filtered"));
    JsonObject dead = result("/api/v0/actors?filter_keys=state&filter_predicates=%3D"
        + "&filter_values=DEAD&detail=1");
    assertEquals("killed by the test",
        dead.getJsonArray("result").getJsonObject(0).getString("death_cause"));
  }

  @Test
  void placementGroupsShowTheirBundles() {
    JsonObject r = result("/api/v0/placement_groups?detail=true");
    JsonObject g = r.getJsonArray("result").getJsonObject(0);
    assertEquals("PENDING", g.getString("state"));
    assertEquals("pg", g.getString("name"));
    assertEquals(job.toString(), g.getString("creator_job_id"));
    assertEquals("STRICT_SPREAD", g.getString("strategy"));
    assertEquals(false, g.getBoolean("is_detached"));
    assertEquals(2, g.getInteger("min_bundles"), "a group that is not elastic needs every bundle");
    JsonArray bundles = g.getJsonArray("bundles");
    assertEquals(2, bundles.size());
    assertNull(bundles.getJsonObject(0).getValue("node_id"), "a pending bundle has no node");
  }

  @Test
  void jobsListedAsTheJobsApiDoes() {
    JsonObject submitted = api.submit(new JsonObject().put("entrypoint", "echo hi"));
    String id = submitted.getString("submission_id");
    JsonObject r = result("/api/v0/jobs?filter_keys=submission_id&filter_predicates=%3D"
        + "&filter_values=" + id);
    assertEquals(1, r.getInteger("num_filtered"));
    assertEquals(id, r.getJsonArray("result").getJsonObject(0).getString("submission_id"));
  }

  /** What a node answers for its task events: one partial row per task, as TaskEventRows makes. */
  private JsonObject partial(String taskId, String node, String... stateAtMs) {
    JsonArray events = new JsonArray();
    for (String e : stateAtMs) {
      String[] p = e.split("@");
      events.add(new JsonObject().put("state", p[0]).put("created_ms", Long.parseLong(p[1]))
          .put("attempt_number", 0));
    }
    JsonObject row = new JsonObject().put("task_id", taskId).put("job_id", job.toHex())
        .put("type", "NORMAL_TASK").put("func_or_class_name", "demo.Work.run")
        .put("name", "Work.run").put("events", events);
    if (node != null) {
      row.put("node_id", node).put("worker_pid", 42);
    }
    if (stateAtMs[stateAtMs.length - 1].startsWith("FAILED")) {
      row.put("error_type", "TASK_EXECUTION_EXCEPTION").put("error_message", "boom");
    }
    return row;
  }

  @Test
  void tasksMergeWhatEachNodeSawAndNameTheSilentOnes() {
    UniqueId silent = IdFactory.newUniqueId();
    api.gcs.nodes().put(silent, new NodeRecord(silent, "worker", "127.0.0.1:6381", "host-c",
        true, Map.of("CPU", 1.0), 4004, 4005, 3000L, null));
    // the head owns both tasks and ran one; the (dead, so unasked) worker would have run the other
    api.vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(head), m -> m.reply(
        new JsonObject().put("node_id", head.toHex()).put("rows", new JsonArray()
            .add(partial("t1", null, "PENDING_NODE_ASSIGNMENT@100"))
            .add(partial("t2", null, "PENDING_NODE_ASSIGNMENT@200"))
            .add(partial("t1", head.toHex(), "RUNNING@110", "FINISHED@150"))
            .add(partial("t2", head.toHex(), "RUNNING@210", "FAILED@260"))
            .add(partial("t3", head.toHex(), "RUNNING@300").put("type", "ACTOR_TASK")
                .put("func_or_class_name", "demo.Counter.add")))));
    JsonObject r = result("/api/v0/tasks?detail=true");
    assertEquals(3, r.getInteger("total"));
    assertEquals(List.of("t1", "t2", "t3"), ids(r, "task_id"));
    assertTrue(r.getString("partial_failure_warning").contains(silent.toHex()),
        r.getString("partial_failure_warning"));
    JsonObject t1 = r.getJsonArray("result").stream().map(o -> (JsonObject) o)
        .filter(t -> t.getString("task_id").equals("t1")).findFirst().orElseThrow();
    assertEquals("FINISHED", t1.getString("state"));
    assertEquals(head.toHex(), t1.getString("node_id"));
    assertEquals(100L, t1.getLong("creation_time_ms"));
    assertEquals(110L, t1.getLong("start_time_ms"));
    assertEquals(150L, t1.getLong("end_time_ms"));
    assertEquals(3, t1.getJsonArray("events").size());
    JsonObject failed = result("/api/v0/tasks?filter_keys=state&filter_predicates=%3D"
        + "&filter_values=failed");
    assertEquals(1, failed.getInteger("num_filtered"));
    JsonObject t2 = failed.getJsonArray("result").getJsonObject(0);
    assertEquals("TASK_EXECUTION_EXCEPTION", t2.getString("error_type"));
    assertNull(t2.getValue("events"), "a brief row shows only the listed columns");

    JsonObject summarized = result("/api/v0/tasks/summarize");
    assertEquals(3, summarized.getInteger("total"));
    assertEquals(3, summarized.getInteger("num_after_truncation"));
    JsonObject summary = summarized.getJsonObject("result").getJsonObject("node_id_to_summary")
        .getJsonObject("cluster");
    assertEquals(2, summary.getInteger("total_tasks"), "NORMAL_TASK only, as Ray");
    assertEquals(1, summary.getInteger("total_actor_tasks"));
    assertEquals(0, summary.getInteger("total_actor_scheduled"));
    JsonObject counts = summary.getJsonObject("summary").getJsonObject("demo.Work.run")
        .getJsonObject("state_counts");
    assertEquals(1, counts.getInteger("FINISHED"));
    assertEquals(1, counts.getInteger("FAILED"));

    HttpResponse<Buffer> trace = api.call(HttpMethod.GET, "/api/v0/tasks/timeline", null);
    assertEquals(200, trace.statusCode());
    List<JsonObject> complete = trace.bodyAsJsonArray().stream().map(o -> (JsonObject) o)
        .filter(e -> "X".equals(e.getString("ph"))).toList();
    assertEquals(List.of(110_000L, 210_000L), complete.stream().limit(2)
        .map(e -> e.getLong("ts")).toList());
    assertEquals(List.of(40_000L, 50_000L), complete.stream().limit(2)
        .map(e -> e.getLong("dur")).toList());
    assertNull(trace.getHeader("Content-Disposition"));
    assertTrue(api.call(HttpMethod.GET, "/api/v0/tasks/timeline?download=1", null)
        .getHeader("Content-Disposition").startsWith("attachment; filename="));
    assertBad("/api/v0/tasks?filter_keys=colour&filter_predicates=%3D&filter_values=red",
        "filter_keys");
  }

  @Test
  void actorsSummarizedByClassAndState() {
    JsonObject summarized = result("/api/v0/actors/summarize");
    assertEquals(3, summarized.getInteger("total"));
    JsonObject summary = summarized.getJsonObject("result").getJsonObject("node_id_to_summary")
        .getJsonObject("cluster");
    assertEquals(3, summary.getInteger("total_actors"));
    assertEquals("class", summary.getString("summary_by"));
    JsonObject dead = result("/api/v0/actors/summarize?filter_keys=state&filter_predicates=%3D"
        + "&filter_values=dead");
    assertEquals(3, dead.getInteger("total"));
    assertEquals(1, dead.getInteger("num_filtered"), "Ray's summaries take filters too");
    assertEquals(1, dead.getJsonObject("result").getJsonObject("node_id_to_summary")
        .getJsonObject("cluster").getInteger("total_actors"));
    JsonObject counts = summary.getJsonObject("summary").getJsonObject("Counter")
        .getJsonObject("state_counts");
    assertEquals(2, counts.getInteger("ALIVE"));
    assertEquals(1, counts.getInteger("DEAD"));
  }

  @Test
  void badQueriesAre400NamingTheParameter() {
    assertBad("/api/v0/actors?limit=-1", "limit");
    assertBad("/api/v0/actors?limit=10001", "limit");
    assertBad("/api/v0/actors?limit=lots", "limit");
    assertBad("/api/v0/tasks?timeout=0", "timeout");
    assertBad("/api/v0/actors?filter_keys=colour&filter_predicates=%3D&filter_values=red",
        "filter_keys");
    assertBad("/api/v0/actors?filter_keys=state&filter_predicates=%3E&filter_values=A",
        "filter_predicates");
    assertBad("/api/v0/actors?filter_keys=state&filter_values=A", "filter_keys");
    HttpResponse<Buffer> unauthorized = api.send(HttpMethod.GET, "/api/v0/nodes", null, null);
    assertEquals(401, unauthorized.statusCode());
  }

  /** Ray's envelope of a refused request, its message naming the field. */
  private void assertBad(String path, String field) {
    HttpResponse<Buffer> r = api.call(HttpMethod.GET, path, null);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(false, body.getBoolean("result"));
    assertTrue(body.getString("msg").startsWith(field + ":"), body.getString("msg"));
    assertTrue(body.getJsonObject("data").containsKey("result"));
    assertNull(body.getJsonObject("data").getValue("result"));
  }

  @Test
  void theRequestsTimeoutBoundsTheWaitForASilentNode() {
    // the head takes the request and never answers
    api.vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(head), m -> { });
    long start = System.nanoTime();
    JsonObject r = result("/api/v0/tasks?timeout=1");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 4_000, "waited " + tookMs + " ms, not the default 5 s");
    assertTrue(r.getString("partial_failure_warning").contains("did not answer within 1 s")
        && r.getString("partial_failure_warning").contains(head.toHex()),
        r.getString("partial_failure_warning"));
  }

  @Test
  void rowsANodeLeftOutShowInTotalAndWarnings() {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 3; i++) {
      rows.add(new JsonObject().put("object_id", "o" + i).put("node_id", head.toHex())
          .put("pid", 42L).put("object_size", 10L).put("task_status", "FINISHED")
          .put("attempt_number", 0).put("reference_type", "LOCAL_REFERENCE")
          .put("call_site", "disabled").put("location", "INLINE"));
    }
    api.vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(head), m -> m.reply(
        new JsonObject().put("node_id", head.toHex()).put("rows", rows).put("total", 7)
            .put("warning", "holds 7 object rows; answered 3")));
    JsonObject r = result("/api/v0/objects?filter_keys=object_id&filter_predicates=%21%3D"
        + "&filter_values=O1&limit=1");
    assertEquals(7, r.getInteger("total"), "what the node had");
    assertEquals(3, r.getInteger("num_after_truncation"), "what it sent");
    assertEquals(2, r.getInteger("num_filtered"));
    assertEquals(List.of("o0"), ids(r, "object_id"));
    assertEquals(List.of("node " + head.toHex() + ": holds 7 object rows; answered 3"),
        r.getJsonArray("warnings").getList());
    JsonObject brief = r.getJsonArray("result").getJsonObject(0);
    assertEquals(List.of("object_id", "object_size", "task_status", "attempt_number",
        "reference_type", "call_site", "type", "pid", "ip"), List.copyOf(brief.fieldNames()));
    assertEquals("WORKER", brief.getString("type"));
    assertEquals(7, result("/api/v0/objects/summarize").getInteger("total"));
  }
}
