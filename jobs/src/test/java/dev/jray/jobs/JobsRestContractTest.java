package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.DriverProcess;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each endpoint of Ray's Jobs REST API: its path, its fields and its status codes. */
class JobsRestContractTest {
  private JobsApi api;

  @BeforeEach
  void start() throws Exception {
    api = new JobsApi();
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  @Test
  void versionNamesTheApiAndRayVersions() {
    HttpResponse<Buffer> r = api.call(HttpMethod.GET, "/api/version", null);
    assertEquals(200, r.statusCode());
    JsonObject v = r.bodyAsJsonObject();
    assertEquals("2", v.getString("version"));
    // Ray's SDK parses ray_version and refuses a server older than the release it needs (2.8+)
    String[] ray = v.getString("ray_version").split("\\.");
    assertEquals(3, ray.length, v.encode());
    assertTrue(Integer.parseInt(ray[0]) > 2 || Integer.parseInt(ray[0]) == 2
        && Integer.parseInt(ray[1]) >= 8, v.encode());
    assertNotNull(v.getString("jray_version"));
    assertNotNull(v.getString("ray_commit"));
  }

  @Test
  void everyRequestNeedsTheClusterToken() {
    for (String auth : new String[] {null, "Bearer not-the-token", "Basic " + api.token.reveal()}) {
      HttpResponse<Buffer> r = api.send(HttpMethod.GET, "/api/jobs/", null, auth);
      assertEquals(401, r.statusCode(), "Authorization " + auth);
      assertTrue(r.bodyAsJsonObject().getString("error").contains("Authorization: Bearer"), r.bodyAsString());
    }
    HttpResponse<Buffer> submit = api.send(HttpMethod.POST, "/api/jobs/",
        new JsonObject().put("entrypoint", "echo no"), null);
    assertEquals(401, submit.statusCode());
    assertEquals(0, api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray().size(),
        "a refused submission runs nothing");
  }

  @Test
  void aJobRunsToSucceededWithRaysFieldsAndItsLogs() {
    JsonObject submitted = api.submit(new JsonObject().put("entrypoint", "echo hello from the job")
        .put("submission_id", "job-ok").put("metadata", new JsonObject().put("owner", "me")));
    assertEquals("job-ok", submitted.getString("submission_id"));
    assertEquals("job-ok", submitted.getString("job_id"));
    JsonObject job = api.awaitStatus("job-ok", "SUCCEEDED");
    assertEquals("SUBMISSION", job.getString("type"));
    assertEquals("echo hello from the job", job.getString("entrypoint"));
    assertEquals(0, job.getInteger("driver_exit_code"));
    assertEquals("me", job.getJsonObject("metadata").getString("owner"));
    assertTrue(job.getLong("start_time") > 0);
    assertTrue(job.getLong("end_time") >= job.getLong("start_time"));
    assertNull(job.getString("error_type"));
    assertNotNull(job.getString("message"));
    assertEquals("hello from the job\n", api.logs("job-ok"));
    JsonArray all = api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray();
    assertEquals(List.of("job-ok"), all.stream().map(o -> ((JsonObject) o).getString("submission_id")).toList());
  }

  @Test
  void aFailingJobIsFailedWithItsExitCodeAndTheLastTenLinesOfItsLog() {
    String id = api.submit(new JsonObject().put("entrypoint",
        "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line$i; done; exit 3")).getString("submission_id");
    assertTrue(id.startsWith("raysubmit_"), id);
    JsonObject job = api.awaitStatus(id, "FAILED");
    assertEquals(3, job.getInteger("driver_exit_code"));
    assertEquals("JOB_ENTRYPOINT_COMMAND_ERROR", job.getString("error_type"));
    assertEquals("Job entrypoint command failed with exit code 3, last available logs (truncated"
        + " to 20,000 chars):\nline3\nline4\nline5\nline6\nline7\nline8\nline9\nline10\nline11"
        + "\nline12\n", job.getString("message"));
    api.submit(new JsonObject().put("entrypoint", "exit 4").put("submission_id", "silent"));
    assertEquals("Job entrypoint command failed with exit code 4. No logs available.",
        api.awaitStatus("silent", "FAILED").getString("message"));
  }

  @Test
  void badRequestsAre400NamingTheProblem() {
    assertBad("{not json", null, "not valid JSON");
    assertBad("[1, 2]", null, "JSON object");
    assertBad(new JsonObject().put("runtime_env", new JsonObject()), "entrypoint", "required");
    assertBad(new JsonObject().put("entrypoint", 42), "entrypoint", "must be a string");
    assertBad(new JsonObject().put("entrypoint", "true").put("entrypoint_num_cpus", "two"),
        "entrypoint_num_cpus", "must be a number");
    assertBad(new JsonObject().put("entrypoint", "true").put("metadata", new JsonObject().put("k", 1)),
        "metadata.k", "must be a string");
    assertBad(new JsonObject().put("entrypoint", "true").put("entrypoint_memory", 1.5),
        "entrypoint_memory", "must be an integer");
    assertBad(new JsonObject().put("entrypoint", "true").put("no_such_field", 1), "no_such_field", "unknown");
    assertBad(new JsonObject().put("entrypoint", "true").put("submission_id", "../escape"),
        "submission_id", "A-Z");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("pip", new JsonArray().add("numpy"))), "runtime_env.pip", "unknown");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("env_vars", new JsonObject().put("A", 1))), "runtime_env.env_vars.A", "must be a string");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("working_dir", "relative/dir")), "runtime_env.working_dir", "absolute path");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("java_jars", new JsonArray().add("gcs://../up.jar"))), "runtime_env.java_jars", "not a package URI");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("working_dir", "gcs://dir/pkg.zip")), "runtime_env.working_dir", "not a package URI");
    assertBad(new JsonObject().put("entrypoint", "true").put("entrypoint_label_selector",
        new JsonObject().put("zone", 1)), "entrypoint_label_selector.zone", "must be a string");
    assertBad(new JsonObject().put("entrypoint", "true").put("runtime_env", new JsonObject()
        .put("jvm_options", "-Xmx1g")), "runtime_env.jvm_options", "list of strings");
    assertEquals(0, api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray().size());
  }

  private void assertBad(Object body, String field, String says) {
    HttpResponse<Buffer> r = api.call(HttpMethod.POST, "/api/jobs/", body);
    assertEquals(400, r.statusCode(), r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject();
    assertTrue(error.getString("error").contains(says), error.encode());
    assertEquals(field, error.getString("field"), error.encode());
  }

  @Test
  void nullValuedKeysAreIgnoredAndRaysNewerFieldsAccepted() {
    JsonObject body = new JsonObject().put("entrypoint", "true").put("submission_id", "nulls")
        .put("no_such_field", (Object) null).put("runtime_env", (Object) null)
        .put("metadata", (Object) null).put("entrypoint_num_cpus", (Object) null)
        .put("entrypoint_label_selector", new JsonObject().put("zone", "a"));
    HttpResponse<Buffer> r = api.call(HttpMethod.POST, "/api/jobs/", body);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("SUCCEEDED", api.awaitStatus("nulls", "SUCCEEDED").getString("status"));
    assertBad(new JsonObject().put("entrypoint", "true").put("no_such_field", false),
        "no_such_field", "unknown");
  }

  @Test
  void aDuplicateSubmissionIdIs409() {
    api.submit(new JsonObject().put("entrypoint", "true").put("submission_id", "twice"));
    HttpResponse<Buffer> r = api.call(HttpMethod.POST, "/api/jobs/",
        new JsonObject().put("entrypoint", "true").put("submission_id", "twice"));
    assertEquals(409, r.statusCode());
    assertEquals("submission_id", r.bodyAsJsonObject().getString("field"));
    assertTrue(r.bodyAsJsonObject().getString("error").contains("twice"));
  }

  @Test
  void anUnknownIdIs404OnEveryJobPath() throws Exception {
    assertEquals(404, api.call(HttpMethod.GET, "/api/jobs/nope", null).statusCode());
    assertEquals(404, api.call(HttpMethod.GET, "/api/jobs/nope/logs", null).statusCode());
    assertEquals(404, api.call(HttpMethod.POST, "/api/jobs/nope/stop", null).statusCode());
    HttpResponse<Buffer> r = api.call(HttpMethod.DELETE, "/api/jobs/nope", null);
    assertEquals(404, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("error").contains("'nope'"));
    assertEquals("HTTP 404", tail("nope").get(30, TimeUnit.SECONDS), "answered before the upgrade");
  }

  @Test
  void stopKillsTheRunningJobAndDeleteNeedsItEnded() {
    api.submit(new JsonObject().put("entrypoint", "echo started; sleep 60").put("submission_id", "long"));
    api.awaitStatus("long", "RUNNING");
    dev.jray.gcs.time.Await.until("the job printed", java.time.Duration.ofSeconds(30),
        () -> api.logs("long").contains("started"));
    HttpResponse<Buffer> refused = api.call(HttpMethod.DELETE, "/api/jobs/long", null);
    assertEquals(400, refused.statusCode());
    assertTrue(refused.bodyAsJsonObject().getString("error").contains("stop it first"));
    assertEquals(true, api.call(HttpMethod.POST, "/api/jobs/long/stop", null).bodyAsJsonObject()
        .getBoolean("stopped"));
    JsonObject job = api.awaitStatus("long", "STOPPED");
    assertNotNull(job.getLong("end_time"));
    assertNull(job.getValue("driver_exit_code"), "Ray sets it only for SUCCEEDED and FAILED");
    assertEquals("Job was intentionally stopped.", job.getString("message"));
    assertEquals(false, api.call(HttpMethod.POST, "/api/jobs/long/stop", null).bodyAsJsonObject()
        .getBoolean("stopped"), "stopping an ended job stops nothing");
    assertEquals(true, api.call(HttpMethod.DELETE, "/api/jobs/long", null).bodyAsJsonObject()
        .getBoolean("deleted"));
    assertEquals(404, api.call(HttpMethod.GET, "/api/jobs/long", null).statusCode());
  }

  @Test
  void logsTailStreamsTheLogOverAWebSocketUntilTheJobEnds() throws Exception {
    api.submit(new JsonObject().put("submission_id", "tail")
        .put("entrypoint", "for i in 1 2 3; do echo line$i; sleep 0.2; done"));
    assertEquals("1000 line1\nline2\nline3\n", tail("tail").get(30, TimeUnit.SECONDS));
    assertEquals("SUCCEEDED", api.job("tail").getString("status"));
  }

  /**
   * Connects to the job's logs/tail with java.net.http; completes with the close code and all
   * text, or "HTTP status" if the server refused the upgrade.
   */
  private CompletableFuture<String> tail(String id) {
    StringBuilder text = new StringBuilder();
    CompletableFuture<String> closed = new CompletableFuture<>();
    HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + api.token.reveal())
        .buildAsync(URI.create("ws://127.0.0.1:" + api.verticle.port() + "/api/jobs/" + id + "/logs/tail"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                ws.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code + " " + (code == 1000 ? text : reason));
                return null;
              }

              @Override
              public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
              }
            }).whenComplete((ws, error) -> {
              if (error != null && error.getCause() instanceof WebSocketHandshakeException refused) {
                closed.complete("HTTP " + refused.getResponse().statusCode());
              } else if (error != null) {
                closed.completeExceptionally(error);
              }
            });
    return closed;
  }

  @Test
  void handStartedDriversAreListedAfterSubmissionsWithRaysDriverInfo() throws Exception {
    JobId jobId = api.gcs.nextJobId();
    UniqueId node = dev.jray.gcs.ids.IdFactory.newUniqueId();
    api.gcs.nodes().put(node, new NodeRecord(node, "head", "10.1.2.3:7000", "h", true, Map.of(),
        0, 0, 1, null));
    api.gcs.jobs().put(jobId, new JobRecord(jobId, "ns", node, 1_000, 0, List.of()));
    api.gcs.kv().put(JobRecord.DRIVER_PROCESS_KEY_PREFIX + jobId.toHex(),
        new DriverProcess(4242, "java -cp app.jar Main").bytes());
    api.submit(new JsonObject().put("entrypoint", "true").put("submission_id", "submitted"));
    JsonArray all = api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray();
    assertEquals(List.of("SUBMISSION", "DRIVER"),
        all.stream().map(o -> ((JsonObject) o).getString("type")).toList(), "as Ray's list_jobs");
    JsonObject driver = all.getJsonObject(1);
    assertEquals(jobId.toHex(), driver.getString("job_id"));
    assertEquals("RUNNING", driver.getString("status"));
    assertEquals(new JsonObject().put("id", jobId.toHex()).put("node_ip_address", "10.1.2.3")
        .put("pid", "4242"), driver.getJsonObject("driver_info"));
    assertEquals("java -cp app.jar Main", driver.getString("entrypoint"));
    assertEquals(new JsonObject(), driver.getJsonObject("metadata"));
    assertEquals("RUNNING", api.job(jobId.toHex()).getString("status"));

    assertDriverRefused(HttpMethod.POST, "/api/jobs/" + jobId.toHex() + "/stop", "Can only stop submission type jobs");
    assertDriverRefused(HttpMethod.DELETE, "/api/jobs/" + jobId.toHex(), "Can only delete submission type jobs");
    assertDriverRefused(HttpMethod.GET, "/api/jobs/" + jobId.toHex() + "/logs", "Can only get logs of submission type jobs");
    assertEquals("HTTP 400", tail(jobId.toHex()).get(30, TimeUnit.SECONDS), "answered before the upgrade");

    api.gcs.jobs().update(jobId, j -> j.finished(2_000));
    assertEquals("SUCCEEDED", api.job(jobId.toHex()).getString("status"));
    assertEquals(2_000, api.job(jobId.toHex()).getLong("end_time"));
  }

  private void assertDriverRefused(HttpMethod method, String path, String message) {
    HttpResponse<Buffer> r = api.call(method, path, null);
    assertEquals(400, r.statusCode(), path + ": " + r.bodyAsString());
    assertEquals(message, r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void aSubmittedJobsDriverShowsAsThatSubmissionAndItsJobIdNamesItOnEveryPath() throws Exception {
    api.submit(new JsonObject().put("entrypoint", "echo linked-log").put("submission_id", "linked"));
    JobId jobId = api.gcs.nextJobId();
    var node = dev.jray.gcs.ids.IdFactory.newUniqueId();
    api.gcs.jobs().put(jobId, new JobRecord(jobId, "ns", node, 1_000, 0, List.of()));
    api.gcs.kv().put(JobRecord.SUBMISSION_KEY_PREFIX + jobId.toHex(),
        "linked".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    api.gcs.kv().put(JobRecord.DRIVER_PROCESS_KEY_PREFIX + jobId.toHex(),
        new DriverProcess(77, "java Main").bytes());
    JsonArray all = api.call(HttpMethod.GET, "/api/jobs/", null).bodyAsJsonArray();
    assertEquals(1, all.size(), all.encode());
    assertEquals("SUBMISSION", all.getJsonObject(0).getString("type"));
    assertEquals(jobId.toHex(), all.getJsonObject(0).getString("job_id"));
    assertEquals(node.toHex(), all.getJsonObject(0).getString("driver_node_id"));
    assertEquals(new JsonObject().put("id", jobId.toHex()).put("node_ip_address", "").put("pid", "77"),
        all.getJsonObject(0).getJsonObject("driver_info"), "its node is not in the GCS: no IP");
    assertEquals("linked", api.job(jobId.toHex()).getString("submission_id"), "found by its job_id too");
    api.awaitStatus("linked", "SUCCEEDED");
    assertEquals("linked-log\n", api.call(HttpMethod.GET, "/api/jobs/" + jobId.toHex() + "/logs", null)
        .bodyAsJsonObject().getString("logs"));
    assertEquals("1000 linked-log\n", tail(jobId.toHex()).get(30, TimeUnit.SECONDS));
    assertEquals(false, api.call(HttpMethod.POST, "/api/jobs/" + jobId.toHex() + "/stop", null)
        .bodyAsJsonObject().getBoolean("stopped"));
    assertEquals(true, api.call(HttpMethod.DELETE, "/api/jobs/" + jobId.toHex(), null)
        .bodyAsJsonObject().getBoolean("deleted"));
    assertEquals(404, api.call(HttpMethod.GET, "/api/jobs/linked", null).statusCode());
  }

  @Test
  void submitWithoutTheTrailingSlashWorksToo() {
    HttpResponse<Buffer> r = api.call(HttpMethod.POST, "/api/jobs",
        new JsonObject().put("entrypoint", "true").put("submission_id", "noslash"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertFalse(api.call(HttpMethod.GET, "/api/jobs", null).bodyAsJsonArray().isEmpty());
  }
}
