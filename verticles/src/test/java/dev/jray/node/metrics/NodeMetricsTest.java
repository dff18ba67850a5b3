package dev.jray.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.PlacementGroups;
import dev.jray.api.Ray;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.testing.PrometheusText;
import dev.jray.node.NodeOptions;
import dev.jray.node.NodeVerticle;
import dev.jray.runtime.NodeWorkers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's metrics endpoint, on an embedded node of 2 CPUs in a Vert.x built with its metrics:
 * the token is required, the text is Prometheus's (checked by a strict parser), every series
 * names the node, and jray's series move by what the work done implies.
 */
class NodeMetricsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static final ClusterToken TOKEN = ClusterToken.generate();
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  private static NodeMetrics metrics;
  private static Vertx vertx;
  private static NodeVerticle node;
  private static String url;

  @BeforeAll
  static void startNode() throws Exception {
    UniqueId nodeId = IdFactory.newUniqueId();
    metrics = new NodeMetrics(nodeId);
    vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(
        metrics.vertxMetrics().newOptions().setEnabled(true)))
        .withMetrics(metrics.vertxMetrics()).build();
    Gcs gcs = new InMemoryGcs();
    node = await(NodeVerticle.deploy(vertx, new NodeOptions(nodeId, "127.0.0.1",
        NodeOptions.EMBEDDED, Map.of("CPU", 2.0), TOKEN, null), gcs));
    // this test's JVM drives the node, as an embedded driver does
    JobId job = gcs.nextJobId();
    gcs.jobs().put(job, new JobRecord(job, "metrics-test", nodeId, 0, 0, List.of()));
    node.worker().startDriver(job, "metrics-test", NodeMetricsTest.class.getClassLoader());
    NodeWorkers.install(node.worker());
    Ray.init();
    metrics.bind(node);
    MetricsHttpVerticle server = new MetricsHttpVerticle(metrics, "127.0.0.1", 0, TOKEN, null);
    await(vertx.deployVerticle(server));
    url = server.url();
  }

  @AfterAll
  static void stopNode() throws Exception {
    Ray.shutdown();
    NodeWorkers.uninstall(node.worker());
    await(vertx.close());
    metrics.close();
  }

  public static class Counter {
    private int value;

    public int increment() {
      return ++value;
    }
  }

  public static int waitForRelease() throws InterruptedException {
    return RELEASE.await(60, TimeUnit.SECONDS) ? 1 : 0;
  }

  @Test
  void withoutTheTokenItAnswers401AndWithItPrometheusTextNamingTheNode() throws Exception {
    HttpResponse<String> none = get(url, null);
    HttpResponse<String> wrong = get(url, ClusterToken.generate().reveal());
    HttpResponse<String> elsewhere = get(url.replace("/metrics", "/other"), TOKEN.reveal());
    HttpResponse<String> ok = get(url, TOKEN.reveal());

    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
    assertTrue(none.body().startsWith("no Authorization header"), none.body());
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().startsWith("wrong cluster token"), wrong.body());
    assertEquals(404, elsewhere.statusCode());
    assertEquals(200, ok.statusCode());
    assertEquals(MetricsHttpVerticle.CONTENT_TYPE,
        ok.headers().firstValue("Content-Type").orElse(null));
    PrometheusText text = PrometheusText.parse(ok.body());
    String hex = node.options().nodeId().toHex();
    for (PrometheusText.Sample s : text.samples()) {
      assertEquals(hex, s.labels().get(NodeMetrics.NODE_ID_LABEL), s::toString);
    }
    // the JVM's, Vert.x's (the 401s above were served by this Vert.x) and jray's own
    for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds",
        "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
        "jray_node_cpu_utilization", "jray_node_mem_total_bytes", "jray_node_mem_used_bytes",
        "jray_link_bytes_total", "jray_link_frames_total", "jray_object_transfer_bytes_total")) {
      assertTrue(text.types().containsKey(family), family + " missing: " + text.types().keySet());
    }
    assertTrue(text.value("vertx_http_server_requests_total", "code", "401") >= 2);
    assertTrue(text.value("jray_node_mem_total_bytes") > text.value("jray_node_mem_used_bytes"));
  }

  @Test
  void storeActorResourceAndPlacementSeriesMoveByTheWorkDone() throws Exception {
    PrometheusText before = scrape();
    int size = 3 * 1024 * 1024 + 17; // over the inline limit: it goes to the store
    ObjectRef<byte[]> put = Ray.put(new byte[size]);
    List<ActorHandle<Counter>> actors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ActorHandle<Counter> a = Ray.actor(Counter::new).remote();
      assertEquals(1, a.task(Counter::increment).remote().get(30_000));
      actors.add(a);
    }
    ObjectRef<Integer> blocked = Ray.task(NodeMetricsTest::waitForRelease).remote();
    PlacementGroup group = PlacementGroups.createPlacementGroup(
        new PlacementGroupCreationOptions.Builder().setBundles(List.of(Map.of("CPU", 0.5)))
            .setStrategy(PlacementStrategy.PACK)
            .build());
    assertTrue(group.wait(30));
    PrometheusText during = awaitScrape(t -> t.value("jray_resources", "Name", "CPU",
        "State", "USED") >= 1.5);
    RELEASE.countDown();
    assertEquals(1, blocked.get(30_000));
    // tasks: 3 creations and 3 calls finished, the blocked task running, then finished too
    assertEquals(6, during.value("jray_tasks_finished_total")
        - before.value("jray_tasks_finished_total"));
    assertEquals(1, during.value("jray_tasks", "State", "RUNNING")
        - before.value("jray_tasks", "State", "RUNNING"));
    assertEquals(6, during.value("jray_tasks", "State", "FINISHED")
        - before.value("jray_tasks", "State", "FINISHED"));
    assertEquals(7, during.value("jray_tasks_submitted_total")
        - before.value("jray_tasks_submitted_total"));
    PrometheusText ended = awaitScrape(t -> t.value("jray_tasks_finished_total")
        - before.value("jray_tasks_finished_total") == 7);
    assertEquals(before.value("jray_tasks", "State", "RUNNING"),
        ended.value("jray_tasks", "State", "RUNNING"));
    assertEquals(0, ended.value("jray_tasks_failed_total")
        - before.value("jray_tasks_failed_total"));
    assertEquals(7, ended.value("jray_tasks", "State", "FINISHED")
        - before.value("jray_tasks", "State", "FINISHED"));
    assertEquals(before.value("jray_tasks", "State", "FAILED"),
        ended.value("jray_tasks", "State", "FAILED"));
    assertEquals(0, ended.value("jray_tasks", "State", "PENDING_NODE_ASSIGNMENT"));

    double stored = during.value("jray_object_store_memory_bytes", "Location", "MMAP_SHM")
        - before.value("jray_object_store_memory_bytes", "Location", "MMAP_SHM");
    assertTrue(stored >= size && stored <= size + 64, "store bytes grew by " + stored);
    assertEquals(1, during.value("jray_object_store_objects", "Location", "MMAP_SHM")
        - before.value("jray_object_store_objects", "Location", "MMAP_SHM"));
    assertEquals(before.value("jray_object_store_available_memory_bytes") - stored,
        during.value("jray_object_store_available_memory_bytes"));
    assertEquals(3, during.value("jray_actors", "State", "ALIVE")
        - before.value("jray_actors", "State", "ALIVE"));
    assertEquals(3, during.value("jray_cluster_actors", "State", "ALIVE")
        - before.value("jray_cluster_actors", "State", "ALIVE"));
    assertEquals(0, during.value("jray_cluster_actors", "State", "RESTARTING"));
    // the task's CPU and the group's bundle
    assertEquals(1.5, during.value("jray_resources", "Name", "CPU", "State", "USED"));
    assertEquals(0.5, during.value("jray_resources", "Name", "CPU", "State", "AVAILABLE"));
    assertEquals(1, during.value("jray_placement_groups", "State", "CREATED"));
    assertEquals(size, put.get(30_000).length);

    PlacementGroups.removePlacementGroup(group.getId());
    PrometheusText after = awaitScrape(t -> t.value("jray_resources", "Name", "CPU",
        "State", "USED") == 0);
    assertEquals(2, after.value("jray_resources", "Name", "CPU", "State", "AVAILABLE"));
    assertTrue(after.matching("jray_placement_groups", "State", "CREATED").isEmpty());
  }

  private interface Check {
    boolean holds(PrometheusText text);
  }

  /** Scrapes until {@code check} holds (within 30 s): the scheduler frees a CPU after its task. */
  private static PrometheusText awaitScrape(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    PrometheusText text = scrape();
    while (!check.holds(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the metrics never showed what was expected: " + text.samples());
      }
      Thread.sleep(50);
      text = scrape();
    }
    return text;
  }

  private static PrometheusText scrape() throws Exception {
    HttpResponse<String> r = get(url, TOKEN.reveal());
    assertEquals(200, r.statusCode(), r.body());
    return PrometheusText.parse(r.body());
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
