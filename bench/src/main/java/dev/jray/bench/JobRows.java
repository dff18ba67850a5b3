package dev.jray.bench;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Jobs API rows (issue #19), against the head's {@code /api/jobs/}: how long a submission
 * takes until its driver JVM has started and joined the cluster, and how many submissions per
 * second the head accepts while they queue up behind a queue whose one running slot is taken: the
 * first 1,000 to a new head, and then with 1,000 queued.
 *
 * <p>Threading: the accept row submits from {@link #SUBMITTERS} threads; the client is thread-safe.
 */
final class JobRows {
  /** The head's queue with one running slot ({@code start --job-queues}). */
  static final String QUEUE = "bench_jobs";
  static final String QUEUE_SPEC = QUEUE + ":running=1";
  private static final int SUBMITTERS = 8;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(120);

  private final String jobsUrl;
  private final String authorization;
  private final HttpClient http = HttpClient.newHttpClient();

  JobRows(String jobsUrl, ClusterToken token) {
    this.jobsUrl = jobsUrl;
    this.authorization = "Bearer " + token.reveal();
  }

  /**
   * Seconds from {@code POST /api/jobs/} to the driver's line after {@code Ray.init()} in the
   * job's log, driver JVM start included, for each of {@code rounds} jobs run one after another.
   * The entrypoint is written as the README's (the head's jar first on the class path, its class
   * archive mapped); so the first job of a head whose archive is not written yet runs without it.
   */
  double[] submitToDriverJoined(int rounds, String driverClassPath) throws Exception {
    double[] seconds = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      // as the README's entrypoints: the head's jar first and its class archive mapped
      // (JobsOptions.CLASSPATH_ENV and JAVA_OPTIONS_ENV, set by the head's job supervisor)
      String entrypoint = "java $JRAY_JAVA_OPTIONS -Xmx256m -Dhazelcast.phone.home.enabled=false"
          + " -cp \"$JRAY_CLASSPATH\":" + driverClassPath + " " + JobJoinDriver.class.getName();
      long start = System.nanoTime();
      String id = submit(new JsonObject().put("entrypoint", entrypoint));
      Await.until("job " + id + "'s driver joined", JOIN_TIMEOUT, () -> logs(id).contains(JobJoinDriver.JOINED));
      seconds[i] = (System.nanoTime() - start) / 1e9;
      Await.until("job " + id + " ended", JOIN_TIMEOUT, () -> !"RUNNING".equals(status(id)));
    }
    return seconds;
  }

  /**
   * Submissions accepted per second: {@code first} the rate of the first {@code count} to the new
   * head (its code not yet compiled), queued behind a job that holds the queue's one running slot;
   * {@code queued} the rate of each of the next rounds of {@code roundSize}, with {@code count} and
   * more already queued, as the other rows measure after a warm-up.
   */
  record Accepted(double first, double[] queued) {}

  /** Measures {@link Accepted}; then stops the blocking job (a PENDING job stopped leaves its queue). */
  Accepted acceptedPerSecond(int count, int rounds, int roundSize) throws Exception {
    String blocker = submit(new JsonObject().put("entrypoint", "sleep 600").put("queue", QUEUE));
    Await.until("the blocking job runs", JOIN_TIMEOUT, () -> "RUNNING".equals(status(blocker)));
    ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      double first = submitQueued(pool, count);
      double[] queued = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        queued[i] = submitQueued(pool, roundSize);
      }
      return new Accepted(first, queued);
    } finally {
      pool.shutdownNow();
      send("POST", "/api/jobs/" + blocker + "/stop", "");
    }
  }

  /** Submits {@code count} jobs to the queue from {@link #SUBMITTERS} threads; returns per second. */
  private double submitQueued(ExecutorService pool, int count) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<Void>> done = pool.invokeAll(java.util.Collections.nCopies(SUBMITTERS, () -> {
      while (next.getAndIncrement() < count) {
        submit(new JsonObject().put("entrypoint", "sleep 600").put("queue", QUEUE));
      }
      return null;
    }));
    for (Future<Void> f : done) {
      f.get();
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private String submit(JsonObject request) throws IOException, InterruptedException {
    return new JsonObject(send("POST", "/api/jobs/", request.encode())).getString("submission_id");
  }

  private String status(String id) {
    try {
      return new JsonObject(send("GET", "/api/jobs/" + id, null)).getString("status");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("GET /api/jobs/" + id + ": " + e, e);
    }
  }

  private String logs(String id) {
    try {
      return new JsonObject(send("GET", "/api/jobs/" + id + "/logs", null)).getString("logs", "");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("GET /api/jobs/" + id + "/logs: " + e, e);
    }
  }

  private String send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(jobsUrl + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " "
          + response.body());
    }
    return response.body();
  }
}
