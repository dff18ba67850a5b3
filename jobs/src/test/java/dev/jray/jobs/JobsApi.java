package dev.jray.jobs;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JobsHttpVerticle on a free port of 127.0.0.1 over an in-memory GCS, and a client for it. */
final class JobsApi implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Gcs gcs = new InMemoryGcs();
  final ClusterToken token = ClusterToken.generate();
  final JobsHttpVerticle verticle;
  final WebClient client;
  final Path dir;
  /** Whether closing deletes {@code dir}: false for a head that another one follows on the same disk. */
  private final boolean ownsDir;
  /** The id of the one node, the head, whose host runs every entrypoint. */
  static final String NODE = "head-node";
  /** The head's jar the entrypoints are told of. */
  static final String HEAD_JAR = "/opt/jray/head/jray.jar";
  /** Entrypoints started: their JRAY_JAVA_OPTIONS count them, to show each start reads its own. */
  final java.util.concurrent.atomic.AtomicInteger entrypoints = new java.util.concurrent.atomic.AtomicInteger();

  /** A head whose jobs directory is {@code dir/jobs}. */
  JobsApi(Time time, Map<String, QueueQuota> queues, Path dir, HistoryRetention retention) throws Exception {
    this(time, queues, dir, retention, EntrypointPlacement.on(NODE));
  }

  /** A head that places entrypoints by {@code placement} (hosts other than its own: the test's). */
  JobsApi(Time time, Map<String, QueueQuota> queues, Path dir, HistoryRetention retention,
      EntrypointPlacement placement) throws Exception {
    this.ownsDir = dir == null;
    this.dir = dir == null ? Files.createTempDirectory("jobs-api") : dir;
    Path tokenFile = this.dir.resolve("cluster-token");
    if (!Files.exists(tokenFile)) {
      token.write(tokenFile);
    }
    // the head's own entrypoint host, where every entrypoint runs
    await(EntrypointHostVerticle.deploy(vertx, new EntrypointHostOptions(NODE,
        this.dir.resolve("jobs"), "127.0.0.1:1", tokenFile, null,
        () -> Map.of(JobsOptions.CLASSPATH_ENV, HEAD_JAR,
            JobsOptions.JAVA_OPTIONS_ENV, "-Dentrypoint=" + entrypoints.incrementAndGet()), time),
        gcs, EntrypointResources.NONE));
    verticle = await(JobsHttpVerticle.deploy(vertx, new JobsOptions("127.0.0.1", 0,
        this.dir.resolve("jobs"), token, queues, Duration.ofSeconds(3), retention, time, null,
        placement, NODE), gcs));
    client = WebClient.create(vertx);
  }

  JobsApi(Time time, Map<String, QueueQuota> queues) throws Exception {
    this(time, queues, null, HistoryRetention.DEFAULT);
  }

  JobsApi() throws Exception {
    this(Time.SYSTEM, Map.of());
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, Object body) {
    return send(method, path, body, "Bearer " + token.reveal());
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, Object body, String authorization) {
    var request = client.request(method, verticle.port(), "127.0.0.1", path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    Future<HttpResponse<Buffer>> f = body == null ? request.send()
        : body instanceof Buffer b ? request.sendBuffer(b)
        : request.sendBuffer(Buffer.buffer(body instanceof JsonObject j ? j.encode() : body.toString()));
    return await(f);
  }

  JsonObject submit(JsonObject job) {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/api/jobs/", job);
    if (r.statusCode() != 200) {
      throw new AssertionError("submit answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  JsonObject job(String id) {
    return call(HttpMethod.GET, "/api/jobs/" + id, null).bodyAsJsonObject();
  }

  /** Waits until the job's status is {@code status}; returns its details. */
  JsonObject awaitStatus(String id, String status) {
    return Await.value("job " + id + " is " + status, Duration.ofSeconds(30), () -> {
      JsonObject j = job(id);
      return status.equals(j.getString("status")) ? j : null;
    });
  }

  String logs(String id) {
    return call(HttpMethod.GET, "/api/jobs/" + id + "/logs", null).bodyAsJsonObject().getString("logs");
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
    if (ownsDir) {
      deleteDir(dir);
    }
  }

  static void deleteDir(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
