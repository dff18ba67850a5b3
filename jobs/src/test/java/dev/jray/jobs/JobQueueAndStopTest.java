package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.CodePackages;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queues with quotas, priorities, stopping a PENDING job, and SIGKILL after the grace period (on a ManualTime). */
class JobQueueAndStopTest {
  private final ManualTime time = new ManualTime();
  private JobsApi api;

  @BeforeEach
  void start() throws Exception {
    api = new JobsApi(time, QueueQuota.parseAll("one:running=1;cpu:cpus=2"));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private void submit(String id, String queue, int priority, String entrypoint) {
    api.submit(new JsonObject().put("submission_id", id).put("queue", queue)
        .put("priority", priority).put("entrypoint", entrypoint));
  }

  @Test
  void aQueueRunsWithinItsQuotaHighestPriorityFirstFifoWithin() throws Exception {
    String order = api.dir.resolve("order.txt").toString();
    submit("first", "one", 0, "sleep 60");
    submit("low", "one", 0, "echo low >> " + order);
    submit("high-a", "one", 5, "echo high-a >> " + order);
    submit("high-b", "one", 5, "echo high-b >> " + order);
    submit("other", "default", 0, "sleep 60");
    api.awaitStatus("first", "RUNNING");
    api.awaitStatus("other", "RUNNING"); // another queue is not held back
    JsonObject waiting = api.job("high-a");
    assertEquals("PENDING", waiting.getString("status"));
    assertTrue(waiting.getString("message").startsWith("Job has not started yet. "), "Ray's, then"
        + " what it waits for: " + waiting.getString("message"));
    assertTrue(waiting.getString("message").contains("queue 'one'") && waiting.getString("message")
        .contains("1 of its 1 running jobs"), waiting.getString("message"));
    assertEquals(5, waiting.getInteger("priority"));
    assertTrue(api.job("low").getString("message").contains("waiting behind an earlier or"
        + " higher-priority job of queue 'one'"), api.job("low").getString("message"));
    assertTrue(api.job("high-b").getString("message").contains("waiting behind"),
        "high-b came after high-a: " + api.job("high-b").getString("message"));
    assertEquals("one", waiting.getString("queue"));

    api.call(HttpMethod.POST, "/api/jobs/first/stop", null);
    api.awaitStatus("low", "SUCCEEDED");
    // queue 'one' runs one job at a time, so the file's lines are the order of admission
    assertEquals(java.util.List.of("high-a", "high-b", "low"),
        java.nio.file.Files.readAllLines(java.nio.file.Path.of(order)));
    api.call(HttpMethod.POST, "/api/jobs/other/stop", null);
  }

  @Test
  void aCpuQuotaHoldsBackWhatDoesNotFitAndRefusesWhatNeverWill() {
    api.submit(new JsonObject().put("submission_id", "big").put("queue", "cpu")
        .put("entrypoint_num_cpus", 2).put("entrypoint", "sleep 60"));
    api.submit(new JsonObject().put("submission_id", "small").put("queue", "cpu")
        .put("entrypoint_num_cpus", 1).put("entrypoint", "true"));
    JsonObject small = api.job("small");
    assertEquals("PENDING", small.getString("status"));
    assertTrue(small.getString("message").contains("CPUs"), small.getString("message"));
    HttpResponse<Buffer> never = api.call(HttpMethod.POST, "/api/jobs/", new JsonObject()
        .put("queue", "cpu").put("entrypoint_num_cpus", 3).put("entrypoint", "true"));
    assertEquals(400, never.statusCode());
    assertEquals("entrypoint_num_cpus", never.bodyAsJsonObject().getString("field"));
    api.call(HttpMethod.POST, "/api/jobs/big/stop", null);
    time.advance(Duration.ofSeconds(5));
    api.awaitStatus("small", "SUCCEEDED");
  }

  @Test
  void stoppingAPendingJobRemovesItFromTheQueue() {
    submit("runner", "one", 0, "sleep 60");
    submit("waiter", "one", 0, "echo should-never-run");
    assertEquals(true, api.call(HttpMethod.POST, "/api/jobs/waiter/stop", null).bodyAsJsonObject()
        .getBoolean("stopped"));
    JsonObject waiter = api.job("waiter");
    assertEquals("STOPPED", waiter.getString("status"));
    assertEquals("Job was intentionally stopped.", waiter.getString("message"));
    assertNull(waiter.getValue("driver_exit_code"));
    api.call(HttpMethod.POST, "/api/jobs/runner/stop", null);
    time.advance(Duration.ofSeconds(5));
    api.awaitStatus("runner", "STOPPED");
    assertEquals("STOPPED", api.job("waiter").getString("status"));
    assertEquals("", api.logs("waiter"), "a job stopped while PENDING never ran");
  }

  @Test
  void aQueuedJobHoldsItsPackagesFromCollectionUntilItsEntrypointStarts() throws Exception {
    byte[] jar = "not really a jar".getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
    assertEquals(200, api.call(HttpMethod.PUT, "/api/packages/gcs/pkg-" + sha + ".jar",
        Buffer.buffer(jar)).statusCode());
    submit("runner", "one", 0, "sleep 60");
    api.submit(new JsonObject().put("submission_id", "queued").put("queue", "one")
        .put("entrypoint", "true").put("runtime_env", new JsonObject()
            .put("java_jars", new JsonArray().add("gcs://pkg-" + sha + ".jar"))));
    api.submit(new JsonObject().put("submission_id", "dropped").put("queue", "one")
        .put("entrypoint", "true").put("runtime_env", new JsonObject()
            .put("java_jars", new JsonArray().add("gcs://pkg-" + sha + ".jar"))));

    assertEquals(Set.of(CodePackages.reference(sha, "submission:queued"),
        CodePackages.reference(sha, "submission:dropped")), references(sha));
    api.call(HttpMethod.POST, "/api/jobs/dropped/stop", null);
    assertEquals(Set.of(CodePackages.reference(sha, "submission:queued")), references(sha),
        "a job stopped while PENDING lets go");
    api.call(HttpMethod.POST, "/api/jobs/runner/stop", null);
    time.advance(Duration.ofSeconds(5));
    api.awaitStatus("queued", "SUCCEEDED");
    assertEquals(Set.of(), references(sha), "its entrypoint has its jar now");
  }

  private Set<String> references(String sha) {
    return api.gcs.kv().keys().stream().filter(k -> sha.equals(CodePackages.referencedBy(k)))
        .collect(Collectors.toSet());
  }

  @Test
  void aJobThatIgnoresSigtermIsKilledWhenTheGracePeriodPasses() {
    api.submit(new JsonObject().put("submission_id", "stubborn").put("entrypoint",
        "trap 'echo got-term' TERM; echo ready; while true; do sleep 0.1; done"));
    Await.until("the job is ready", Duration.ofSeconds(30), () -> api.logs("stubborn").contains("ready"));
    api.call(HttpMethod.POST, "/api/jobs/stubborn/stop", null);
    Await.until("the job got SIGTERM", Duration.ofSeconds(30), () -> api.logs("stubborn").contains("got-term"));
    assertEquals("RUNNING", api.job("stubborn").getString("status"), "within the grace period it runs on");
    assertEquals(true, api.call(HttpMethod.POST, "/api/jobs/stubborn/stop", null).bodyAsJsonObject()
        .getBoolean("stopped"), "as Ray's: true again while it has not ended");
    time.advance(Duration.ofSeconds(3));
    JsonObject job = api.awaitStatus("stubborn", "STOPPED");
    assertNull(job.getValue("driver_exit_code"), "killed by SIGKILL, but Ray gives a STOPPED job no exit code");
  }
}
