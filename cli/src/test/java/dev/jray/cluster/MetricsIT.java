package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.BigObjectsDriver;
import dev.jray.cluster.drivers.PlacementDriver;
import dev.jray.gcs.testing.PrometheusText;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prometheus metrics across real JVMs: a head on {@code --metrics-export-port} and a worker on
 * the default (any free port) each serve {@code /metrics} behind the cluster token, naming
 * themselves on every series; an object one makes and the other takes shows as transfer bytes
 * sent by one and received by the other, and the links' traffic grows; the head's
 * service-discovery file lists both, and drops the worker once it stops; the head, which leads,
 * counts a group that waits for room as PENDING.
 */
@Timeout(value = 300)
class MetricsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern METRICS_LINE = Pattern.compile("Metrics: (https?://\\S+)");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("MetricsIT", c -> { });

  @Test
  void everyNodeServesItsMetricsBehindTheTokenAndTheHeadListsThemForPrometheus()
      throws Exception {
    LocalCluster c = CLUSTER.get();
    int headPort = LocalCluster.freePort();
    Path discovery = c.tmpDir().resolve("prometheus").resolve("jray-sd.json");
    LocalNode head = c.startHead("{\"H\":1}", List.of("--metrics-export-port",
        Integer.toString(headPort), "--metrics-discovery-file", discovery.toString()));
    LocalNode worker = c.awaitUp(c.startNode("worker", List.of("start", "--address",
        c.headAddress(), "--num-cpus", "1", "--resources", "{\"W\":1}", "--block"), List.of()),
        TIMEOUT);
    String token = Files.readString(c.tokenFile(), StandardCharsets.US_ASCII).strip();
    String headUrl = metricsUrl(head);
    String workerUrl = metricsUrl(worker);

    assertEquals("http://127.0.0.1:" + headPort + "/metrics", headUrl);
    for (LocalNode node : List.of(head, worker)) {
      String url = metricsUrl(node);
      assertEquals(401, get(url, null).statusCode(), url);
      HttpResponse<String> scraped = get(url, token);
      assertEquals(200, scraped.statusCode(), url + ": " + scraped.body());
      PrometheusText text = PrometheusText.parse(scraped.body());
      for (PrometheusText.Sample s : text.samples()) {
        assertEquals(node.nodeId(), s.labels().get("NodeId"), s::toString);
      }
      assertEquals(1, text.value("jray_resources", "Name", node == head ? "H" : "W",
          "State", "AVAILABLE"), url);
      assertEquals(node == head ? 2 : 1, text.value("jray_resources", "Name", "CPU",
          "State", "AVAILABLE"), url);
      assertTrue(!text.matching("jvm_memory_used_bytes", "area", "heap").isEmpty(), url);
      assertTrue(text.types().containsKey("vertx_eventbus_handlers"), url);
      assertTrue(text.types().containsKey("jray_link_frames_total"), url);
    }

    awaitTargets(discovery, List.of(target(headUrl), target(workerUrl)));

    // a task on the head returns 4 MiB, a task on the worker digests it: the worker pulls it
    PrometheusText headBefore = scrape(headUrl, token);
    PrometheusText workerBefore = scrape(workerUrl, token);
    JvmResult r = c.runDriver(TIMEOUT, List.of(), BigObjectsDriver.class, "H", "W", "4", "0");
    assertTrue(r.ok(), r.describe());
    assertEquals(r.result("task-object-expected") + "@" + worker.nodeId(),
        r.result("task-object-digest"), r.describe());
    PrometheusText headAfter = scrape(headUrl, token);
    PrometheusText workerAfter = scrape(workerUrl, token);
    double sent = delta(headBefore, headAfter, "jray_object_transfer_bytes_total",
        "Direction", "sent");
    double received = delta(workerBefore, workerAfter, "jray_object_transfer_bytes_total",
        "Direction", "received");
    assertTrue(sent >= 4 << 20 && sent <= (4 << 20) + 64, "the head sent " + sent + " bytes");
    assertEquals(sent, received, "what the head sent, the worker received");
    // the task came to the worker and its result went back over the links, a frame each at least
    double frames = delta(workerBefore, workerAfter, "jray_link_frames_total",
        "Direction", "received");
    assertTrue(frames >= 1, "frames in: " + frames);
    assertTrue(delta(workerBefore, workerAfter, "jray_link_bytes_total", "Direction", "received")
        >= 13 * frames);
    assertTrue(delta(workerBefore, workerAfter, "jray_link_frames_total", "Direction", "sent")
        >= 1);

    // a group of 3 bundles strictly spread over 2 nodes waits: the leader (the head) counts it
    ChildJvm pending = c.startDriver(List.of(), PlacementDriver.class, "pending", "3");
    pending.awaitLine("^PENDING$", TIMEOUT);
    assertEquals(1, scrape(headUrl, token).value("jray_placement_groups", "State", "PENDING"));
    pending.process().destroy();
    assertTrue(pending.process().waitFor(60, TimeUnit.SECONDS), "the driver did not stop");

    // a node started with -Djray.metrics=off keeps and serves none, and is listed nowhere
    LocalNode quiet = c.startWorker("no-metrics", "{\"Q\":1}", "-Djray.metrics=off");
    assertTrue(ChildJvm.read(quiet.log()).contains("  Metrics: off (-Djray.metrics=off)"),
        ChildJvm.read(quiet.log()));
    awaitTargets(discovery, List.of(target(headUrl), target(workerUrl)));
    quiet.process().destroy();
    assertTrue(quiet.process().waitFor(60, TimeUnit.SECONDS), quiet + " did not stop");

    c.log("stopping " + worker);
    worker.process().destroy();
    assertTrue(worker.process().waitFor(60, TimeUnit.SECONDS), worker + " did not stop");
    awaitTargets(discovery, List.of(target(headUrl)));
  }

  private static PrometheusText scrape(String url, String token) throws Exception {
    HttpResponse<String> r = get(url, token);
    assertEquals(200, r.statusCode(), r.body());
    return PrometheusText.parse(r.body());
  }

  private static double delta(PrometheusText before, PrometheusText after, String name,
      String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static String metricsUrl(LocalNode node) {
    Matcher m = METRICS_LINE.matcher(ChildJvm.read(node.log()));
    if (!m.find()) {
      throw new AssertionError(node + " printed no Metrics line:\n" + ChildJvm.read(node.log()));
    }
    return m.group(1);
  }

  /** {@code host:port} of a metrics URL. */
  private static String target(String url) {
    return URI.create(url).getAuthority();
  }

  /** Waits (60 s at most) until the discovery file lists exactly {@code targets}, in any order. */
  private static void awaitTargets(Path file, List<String> targets) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<Object> listed = List.of();
    while (System.nanoTime() < deadline) {
      listed = listedTargets(file);
      if (listed.size() == targets.size() && listed.containsAll(targets)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(file + " lists " + listed + ", not " + targets);
  }

  /** The targets of Prometheus's file-based service discovery, with the job label checked. */
  private static List<Object> listedTargets(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonArray groups = new JsonArray(Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(1, groups.size(), groups::encode);
    assertEquals("jray", groups.getJsonObject(0).getJsonObject("labels").getString("job"));
    return groups.getJsonObject(0).getJsonArray("targets").getList();
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
