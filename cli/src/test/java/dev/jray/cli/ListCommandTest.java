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
import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;

/** {@code jray list} against the head's real HTTP service over an in-memory GCS. */
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
        Map.of("CPU", 2.0), 4000, 4001, 1000L));
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
    alive.forEach(a -> assertEquals("ALIVE", ((io.vertx.core.json.JsonObject) a)
        .getString("state")));
    assertEquals(0, jray("list", "actors", "--filter", "state!=ALIVE", "--format", "json"));
    assertEquals(1, new JsonArray(out.toString()).size());
    assertEquals(0, jray("list", "actors", "--limit", "1"));
    assertTrue(out.toString().contains("(2 more not shown: raise --limit)"), out.toString());
  }

  @Test
  void badInputIsOneLineNamingIt() {
    assertFalse(jray("list", "colours") == 0);
    assertTrue(err.toString().contains("unknown kind 'colours'"), err.toString());
    assertFalse(jray("list", "actors", "--filter", "colour=red") == 0);
    assertTrue(err.toString().contains("cannot filter on 'colour'"), err.toString());
    assertFalse(jray("list", "actors", "--filter", "nonsense") == 0);
    assertTrue(err.toString().contains("--filter wants key=value"), err.toString());
  }
}
