package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entrypoints placed on a node other than the head: a second entrypoint host in the head's Vert.x
 * stands for a worker with one {@code W}, held by one entrypoint at a time.
 */
class EntrypointPlacementTest {
  private static final String WORKER = "worker-node";

  @TempDir Path workerHome;
  private JobsApi api;
  /** What the worker's entrypoints hold, by submission id. */
  private final Map<String, Map<String, Double>> held = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    api = new JobsApi(Time.SYSTEM, Map.of(), null, HistoryRetention.DEFAULT,
        needs -> needs.isEmpty() ? JobsApi.NODE : WORKER);
    EntrypointResources oneW = new EntrypointResources() {
      @Override
      public boolean hold(String submissionId, Map<String, Double> resources) {
        double inUse = held.values().stream().mapToDouble(r -> r.getOrDefault("W", 0.0)).sum();
        if (inUse + resources.getOrDefault("W", 0.0) > 1.0) {
          return false;
        }
        held.put(submissionId, resources);
        return true;
      }

      @Override
      public void release(String submissionId) {
        held.remove(submissionId);
      }
    };
    JobsApi.await(EntrypointHostVerticle.deploy(api.vertx, new EntrypointHostOptions(WORKER,
        workerHome.resolve("jobs"), "127.0.0.1:1", api.dir.resolve("cluster-token"), null, null,
        Time.SYSTEM), api.gcs, oneW));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private void submit(String id, String entrypoint) {
    api.submit(new JsonObject().put("submission_id", id).put("entrypoint", entrypoint)
        .put("entrypoint_resources", new JsonObject().put("W", 1)));
  }

  @Test
  void anEntrypointWithResourcesRunsOnTheNodeThatHoldsThemUntilItEnds() {
    submit("on-worker", "echo dir=$PWD; sleep 600");
    JsonObject running = api.awaitStatus("on-worker", "RUNNING");
    assertEquals(WORKER, running.getString("driver_node_id"));
    Await.until("its log is served from the worker", Duration.ofSeconds(30),
        () -> api.logs("on-worker").contains("dir="));
    assertTrue(api.logs("on-worker").contains(workerHome.toString()),
        "it runs in the worker's directory: " + api.logs("on-worker"));
    assertEquals(Map.of("W", 1.0), held.get("on-worker"));

    submit("waits", "echo second");
    Await.until("the second waits for the worker's W", Duration.ofSeconds(30),
        () -> api.job("waits").getString("message", "").contains("had no room left"));
    assertEquals("PENDING", api.job("waits").getString("status"));

    api.call(HttpMethod.POST, "/api/jobs/on-worker/stop", null);
    api.awaitStatus("on-worker", "STOPPED");
    JsonObject second = api.awaitStatus("waits", "SUCCEEDED");
    assertEquals(WORKER, second.getString("driver_node_id"));
    assertEquals("second\n", api.logs("waits"), "the log is copied to the head when it ends");
    Await.until("the worker gave its W back", Duration.ofSeconds(30), held::isEmpty);
  }

  @Test
  void anEntrypointWithoutResourcesRunsOnTheHead() {
    api.submit(new JsonObject().put("submission_id", "plain").put("entrypoint", "echo plain"));
    JsonObject done = api.awaitStatus("plain", "SUCCEEDED");
    assertEquals(JobsApi.NODE, done.getString("driver_node_id"));
    assertTrue(held.isEmpty());
  }

  @Test
  void aJobWhoseNodeLeftFailsSayingSoAndTheNextOneRuns() {
    submit("lost", "sleep 600"); // (the stand-in worker's host ends it when the test closes)
    api.awaitStatus("lost", "RUNNING");

    api.verticle.nodeLeft(WORKER);

    JsonObject failed = api.awaitStatus("lost", "FAILED");
    assertTrue(failed.getString("message").contains("node " + WORKER + ", which ran it, left the"
        + " cluster"), failed.getString("message"));
    assertEquals("JOB_SUPERVISOR_ACTOR_DIED", failed.getString("error_type"));
  }
}
