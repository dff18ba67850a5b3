package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.EntrypointPlacement;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobsHttpVerticle;
import dev.jray.jobs.JobsOptions;
import io.vertx.core.Vertx;
import dev.jray.node.NodeLogVerticle;
import dev.jray.node.WorkerPoolVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code jray list}, {@code get}, {@code summary}, {@code memory} and {@code timeline} against the
 * head's real HTTP service over an in-memory GCS; the head node's rows come from a stand-in for
 * its worker pool on the event bus.
 */
class ListCommandTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final Gcs gcs = new InMemoryGcs();
  private final ClusterToken token = ClusterToken.generate();
  private final JobId job = JobId.fromInt(3);
  private final UniqueId head = IdFactory.newUniqueId();
  private Path tokenFile;
  private int port;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    tokenFile = dir.resolve("token");
    token.write(tokenFile);
    gcs.nodes().put(head, new NodeRecord(head, "head", "127.0.0.1:6379", "host-a", true,
        Map.of("CPU", 2.0), 4000, 4001, 1000L, null));
    for (int i = 0; i < 3; i++) {
      ActorId id = IdFactory.newActorId(job);
      gcs.actors().put(id, new ActorRecord(id, job, "Counter" + i, null, "ns", false, 0, 0,
          i == 0 ? ActorState.DEAD : ActorState.ALIVE, head, 0, null, null));
    }
    JobsHttpVerticle verticle = JobsHttpVerticle.deploy(vertx, new JobsOptions("127.0.0.1", 0,
        dir.resolve("jobs"), token, Map.of(), Duration.ofSeconds(3), HistoryRetention.DEFAULT,
        Time.SYSTEM, null, EntrypointPlacement.on("head-node"), "head-node"), gcs)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = verticle.port();
    // the head node's worker pool, as it answers the state API's gather
    vertx.eventBus().<JsonObject>consumer(WorkerPoolVerticle.statsAddress(head), m -> {
      JsonObject ask = m.body();
      if (ask.containsKey(WorkerPoolVerticle.OBJECTS)) {
        m.reply(new JsonObject().put("node_id", head.toHex()).put("rows", new JsonArray()
            .add(object("00aa", 1_500L, "LOCAL_REFERENCE", "INLINE"))
            .add(object("00bb", 2_500_000L, "PINNED_IN_MEMORY", "IN_MEMORY"))
            .add(object("00cc", 300L, "PINNED_IN_MEMORY", "SPILLED"))));
      } else if (ask.containsKey(WorkerPoolVerticle.TASK_EVENTS)) {
        m.reply(new JsonObject().put("node_id", head.toHex()).put("rows", new JsonArray()
            .add(task("t1", "NORMAL_TASK", "demo.Work.run", 100))
            .add(task("t2", "ACTOR_TASK", "demo.Counter.add", 200))));
      } else {
        m.reply(new JsonObject().put("pid", 4242L).put("host_node_id", head.toHex()));
      }
    });
  }

  private JsonObject object(String id, long size, String referenceType, String location) {
    return new JsonObject().put("object_id", id).put("node_id", head.toHex()).put("pid", 4242L)
        .put("object_size", size).put("task_status", "FINISHED").put("attempt_number", 0)
        .put("reference_type", referenceType).put("call_site", "disabled")
        .put("location", location);
  }

  private JsonObject task(String id, String type, String function, long at) {
    return new JsonObject().put("task_id", id).put("job_id", job.toHex()).put("type", type)
        .put("func_or_class_name", function).put("name", function).put("node_id", head.toHex())
        .put("events", new JsonArray()
            .add(new JsonObject().put("state", "RUNNING").put("created_ms", at)
                .put("attempt_number", 0))
            .add(new JsonObject().put("state", "FINISHED").put("created_ms", at + 50)
                .put("attempt_number", 0)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private int jray(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = JrayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--address", "http://127.0.0.1:" + port, "--token-file",
        tokenFile.toString()));
    return cli.execute(all.toArray(String[]::new));
  }

  @Test
  void listsNodesAsATable() {
    assertEquals(0, jray("list", "nodes"), err.toString());
    String[] lines = out.toString().strip().split("\\R");
    assertEquals(2, lines.length, out.toString());
    assertTrue(lines[0].contains("NODE_ID") && lines[0].contains("STATE"), lines[0]);
    assertTrue(lines[1].contains(head.toString()) && lines[1].contains("ALIVE"), lines[1]);
  }

  @Test
  void filtersLimitsAndPrintsJson() {
    assertEquals(0, jray("list", "actors", "--filter", "state=alive", "--format", "json"),
        err.toString());
    JsonArray alive = new JsonArray(out.toString());
    assertEquals(2, alive.size());
    alive.forEach(a -> assertEquals("ALIVE", ((JsonObject) a).getString("state")));
    assertEquals(0, jray("list", "actors", "-f", "state!=ALIVE", "--format", "json"));
    assertEquals(1, new JsonArray(out.toString()).size());
    assertEquals(0, jray("list", "actors", "--filter", "class_name=counter1"));
    assertTrue(out.toString().contains("Counter1"), "string values compare case-insensitively");
    assertEquals(0, jray("list", "actors", "--filter", "name=a!=b", "--format", "json"));
    assertEquals(0, new JsonArray(out.toString()).size(),
        "split at the first =: key name, value a!=b (no actor has it), not key name=a");
  }

  @Test
  void onlyATableSaysWhatTheLimitLeftOutAndOnStderr() {
    assertEquals(0, jray("list", "actors", "--limit", "1"));
    assertEquals(2, out.toString().strip().split("\\R").length, out.toString());
    assertTrue(err.toString().contains("(2 more not shown: raise --limit)"), err.toString());
    assertEquals(0, jray("list", "actors", "--limit", "1", "--format", "json"));
    assertEquals(1, new JsonArray(out.toString()).size(), "stdout is JSON alone");
    assertEquals("", err.toString());
    assertEquals(0, jray("list", "actors", "--limit", "1", "--format", "yaml"));
    assertEquals(1, ((List<?>) new Yaml().load(out.toString())).size(), "stdout is YAML alone");
    assertEquals("", err.toString());
  }

  @Test
  void listsWorkersApartFromNodes() {
    UniqueId driver = IdFactory.newUniqueId();
    gcs.nodes().put(driver, new NodeRecord(driver, "driver", "127.0.0.1:6390", "host-a", true,
        Map.of(), 0, 4010, 2000L, null));
    assertEquals(0, jray("list", "nodes", "--format", "json"));
    assertEquals(List.of(head.toString()), ids(new JsonArray(out.toString()), "node_id"));
    assertEquals(0, jray("list", "workers", "--format", "json"));
    JsonArray workers = new JsonArray(out.toString());
    assertEquals(List.of(driver.toString()), ids(workers, "worker_id"));
    assertEquals("DRIVER", workers.getJsonObject(0).getString("worker_type"));
  }

  private static List<String> ids(JsonArray rows, String field) {
    return rows.stream().map(r -> ((JsonObject) r).getString(field)).toList();
  }

  @Test
  void getPrintsYamlOrRaysNotFoundLine() {
    assertEquals(0, jray("get", "nodes", head.toString()));
    Map<?, ?> node = new Yaml().load(out.toString());
    assertEquals(head.toString(), node.get("node_id"));
    assertEquals(true, node.get("is_head_node"));
    assertEquals(0, jray("get", "actors", "ffff", "--timeout", "5"));
    assertEquals("Resource with id=ffff not found in the cluster.", out.toString().strip());
    ActorId any = gcs.actors().snapshot().keySet().iterator().next();
    assertEquals(0, jray("get", "actors", any.toString(), "--format", "json"));
    assertEquals(4242L, new JsonObject(out.toString()).getLong("pid"),
        "the pid of the JVM that hosts the actor");
  }

  @Test
  void summaryReadsRaysNestedAnswer() {
    assertEquals(0, jray("summary", "tasks", "--format", "json"), err.toString());
    JsonObject cluster = new JsonObject(out.toString());
    assertEquals(1, cluster.getInteger("total_tasks"), "NORMAL_TASK only");
    assertEquals(1, cluster.getInteger("total_actor_tasks"));
    assertEquals(0, jray("summary", "actors"), err.toString());
    assertTrue(out.toString().contains("total_actors: 3"), out.toString());
    assertTrue(out.toString().contains("Table (group by class)"), out.toString());
  }

  @Test
  void memoryPrintsDecimalUnitsAscendingAndRaysStats() {
    assertEquals(0, jray("memory", "--units", "KB"), err.toString());
    String text = out.toString();
    int small = text.indexOf("0.3 KB");
    int middle = text.indexOf("1.5 KB");
    int big = text.indexOf("2500.0 KB");
    assertTrue(small > 0 && small < middle && middle < big, text);
    assertTrue(text.contains("Plasma memory usage 2 MiB, 1 objects"), text);
    assertEquals("35.16", MemoryCommand.percent(3_516, 10_000), "Ray's round(x, 2)");
    assertEquals("50.0", MemoryCommand.percent(1, 2));
    assertTrue(text.contains("Spilled 0 MiB, 1 objects"), text);
    assertEquals(0, jray("memory", "--stats-only"));
    assertFalse(out.toString().contains("00bb"), out.toString());
    assertTrue(out.toString().contains("Plasma memory usage"), out.toString());
    assertEquals(0, jray("memory", "-n", "1", "--no-format"));
    assertTrue(out.toString().contains("00cc") && !out.toString().contains("00bb"),
        out.toString());
  }

  @Test
  void timelineWritesTheTraceAndSaysItsSize() throws Exception {
    Path file = dir.resolve("trace.json");
    assertEquals(0, jray("timeline", "--output", file.toString()), err.toString());
    long size = Files.size(file);
    assertEquals("Trace file written to " + file + " (" + size + " bytes). You can open this"
        + " with chrome://tracing in the Chrome browser, or https://ui.perfetto.dev.",
        out.toString().strip());
    assertEquals(2, new JsonArray(Files.readString(file)).stream()
        .filter(e -> "X".equals(((JsonObject) e).getString("ph"))).count());
  }

  @Test
  void logsOfATaskKeepTheLastNOfItsOwnLines() throws Exception {
    Path log = dir.resolve("head.log");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lines.add("line " + i + " taskId=t1");
      lines.add("other " + i + " taskId=t2");
    }
    lines.add("the head says hello");
    Files.write(log, lines);
    vertx.deployVerticle(new NodeLogVerticle(head.toHex(), log)).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(0, jray("logs", "task", "--id", "t1", "--tail", "2"), err.toString());
    assertEquals(List.of("line 3 taskId=t1", "line 4 taskId=t1"),
        List.of(out.toString().strip().split("\\R")),
        "the task's last 2 lines, though the log's last 2 are not its own");
    assertEquals(0, jray("logs", "task", "--id", "t1", "--tail", "-1"), err.toString());
    assertEquals(5, out.toString().strip().split("\\R").length, out.toString());
    assertEquals(0, jray("logs", "cluster", "--node-id", head.toHex(), "--tail", "1"),
        err.toString());
    assertEquals("the head says hello", out.toString().strip());
    assertFalse(jray("logs", "cluster", "--tail", "0") == 0);
    assertTrue(err.toString().contains("--tail is 1 to 10000, or -1"), err.toString());
  }

  @Test
  void aJobLogKeepsItsLastLines() {
    assertEquals("b\nc\n", LogsCommand.lastLines("a\nb\nc\n", 2));
    assertEquals("a\nb\nc", LogsCommand.lastLines("a\nb\nc", 5));
    assertEquals("c", LogsCommand.lastLines("a\nb\nc", 1));
    assertEquals("a\nb\n", LogsCommand.lastLines("a\nb\n", -1));
  }

  @Test
  void badInputIsOneLineNamingIt() {
    assertFalse(jray("list", "colours") == 0);
    assertTrue(err.toString().contains("unknown kind 'colours'"), err.toString());
    assertFalse(jray("list", "actors", "--filter", "colour=red") == 0);
    assertTrue(err.toString().contains("filter column colour is not supported"),
        err.toString());
    assertFalse(jray("list", "tasks", "--timeout", "0") == 0);
    assertTrue(err.toString().contains("--timeout is whole seconds from 1 to 60"),
        err.toString());
    assertFalse(jray("list", "actors", "--filter", "nonsense") == 0);
    assertTrue(err.toString().contains("--filter wants key=value"), err.toString());
  }
}
