package dev.jray.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.node.NodeLogVerticle;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.NodeLoad;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import dev.jray.jobs.internals.DashboardAccess;
import dev.jray.jobs.internals.DashboardSessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's page, login sessions, 401s, cluster status and history, and nodes' logs. */
class DashboardApiTest {
  private final ManualTime time = new ManualTime(1_764_000_000_000L);
  private JobsApi api;

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private HttpResponse<Buffer> withCookie(HttpMethod method, String path, String cookie) {
    return JobsApi.await(api.client.request(method, api.verticle.port(), "127.0.0.1", path)
        .putHeader("Cookie", cookie).send());
  }

  private HttpResponse<Buffer> login(String token) {
    return api.send(HttpMethod.POST, "/api/login", new JsonObject().put("token", token), null);
  }

  @Test
  void thePageAndItsAssetsAreServedWithoutTheTokenAndHoldNoClusterData() throws Exception {
    api = new JobsApi(time, Map.of());
    HttpResponse<Buffer> page = api.send(HttpMethod.GET, "/", null, null);
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
    assertTrue(page.bodyAsString().contains("id=\"login-form\""), page.bodyAsString());
    assertTrue(page.getHeader("Content-Security-Policy").contains("default-src 'self'"));
    assertEquals(200, api.send(HttpMethod.GET, "/dashboard/app.js", null, null).statusCode());
    assertEquals(200, api.send(HttpMethod.GET, "/dashboard/uplot/uPlot.iife.min.js", null, null).statusCode());
    assertEquals(401, api.send(HttpMethod.GET, "/dashboard/../api/jobs/", null, null).statusCode());
  }

  @Test
  void dataWithoutTheTokenOrASessionIs401AndBearerStillWorks() throws Exception {
    api = new JobsApi(time, Map.of());
    for (String path : List.of("/api/cluster_status", "/api/cluster_history", "/api/v0/logs",
        "/api/v0/logs/file", "/api/jobs/", "/api/v0/nodes", "/api/version")) {
      HttpResponse<Buffer> none = api.send(HttpMethod.GET, path, null, null);
      assertEquals(401, none.statusCode(), path);
      assertTrue(none.bodyAsJsonObject().getString("error").startsWith("no Authorization header"), path);
      HttpResponse<Buffer> forged = withCookie(HttpMethod.GET, path, DashboardAccess.COOKIE + "=forged");
      assertEquals(401, forged.statusCode(), path);
      assertTrue(forged.bodyAsJsonObject().getString("error").contains("session has ended"), path);
      assertEquals(401, api.send(HttpMethod.GET, path, null, "Bearer wrong").statusCode(), path);
    }
    assertEquals(200, api.call(HttpMethod.GET, "/api/cluster_history", null).statusCode());
  }

  @Test
  void loginRefusesAWrongTokenAndTheRightOneOpensASessionUntilLogoutOrExpiry() throws Exception {
    api = new JobsApi(time, Map.of());
    HttpResponse<Buffer> wrong = login("not-the-token");
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.bodyAsJsonObject().getString("error").contains("wrong cluster token"));
    assertEquals(List.of(), wrong.cookies());
    HttpResponse<Buffer> malformed = api.send(HttpMethod.POST, "/api/login", "{\"tok\": 1}", null);
    assertEquals(400, malformed.statusCode());
    assertEquals("token", malformed.bodyAsJsonObject().getString("field"));

    String cookie = sessionCookie(login(api.token.reveal()));
    assertEquals(200, withCookie(HttpMethod.GET, "/api/jobs/", cookie).statusCode());
    assertEquals(200, withCookie(HttpMethod.GET, "/api/cluster_status", cookie).statusCode());
    HttpResponse<Buffer> out = withCookie(HttpMethod.POST, "/api/logout", cookie);
    assertEquals(200, out.statusCode());
    assertTrue(out.cookies().get(0).contains("Max-Age=0"), out.cookies().toString());
    assertEquals(401, withCookie(HttpMethod.GET, "/api/jobs/", cookie).statusCode());

    String later = sessionCookie(login(api.token.reveal()));
    assertEquals(200, withCookie(HttpMethod.GET, "/api/jobs/", later).statusCode());
    time.advance(DashboardSessions.LIFETIME.plusSeconds(1));
    assertEquals(401, withCookie(HttpMethod.GET, "/api/jobs/", later).statusCode());
  }

  /** The session cookie a login set, checked for its flags, as a Cookie header's value. */
  private static String sessionCookie(HttpResponse<Buffer> login) {
    assertEquals(200, login.statusCode(), login.bodyAsString());
    String set = login.cookies().stream().filter(c -> c.startsWith(DashboardAccess.COOKIE + "="))
        .findFirst().orElseThrow(() -> new AssertionError("no session cookie: " + login.cookies()));
    assertTrue(set.toLowerCase().contains("; httponly"), set);
    assertTrue(set.contains("SameSite=Strict"), set);
    return set.substring(0, set.indexOf(';'));
  }

  @Test
  void statusAndHistoryComeFromTheNodesLoads() throws Exception {
    api = new JobsApi(time, Map.of());
    UniqueId head = IdFactory.newUniqueId();
    UniqueId gone = IdFactory.newUniqueId();
    api.gcs.nodes().put(head, new NodeRecord(head, "head", "127.0.0.1:6379", "host-a", true,
        Map.of("CPU", 4.0), 4000, 4001, 1000L, null));
    api.gcs.nodes().put(gone, new NodeRecord(gone, "worker", "127.0.0.1:6380", "host-b", false,
        Map.of("CPU", 2.0), 4002, 4003, 1000L, null));
    UniqueId driver = IdFactory.newUniqueId(); // a member, not a node: counted apart
    api.gcs.nodes().put(driver, new NodeRecord(driver, "driver", "127.0.0.1:6381", "host-a", true,
        Map.of(), 4004, 4005, 1000L, null));
    api.gcs.kv().put(NodeLoad.KEY_PREFIX + head.toHex(), new NodeLoad(head,
        Map.of("CPU", 4.0, "CPU_group_abc", 1.0), Map.of("CPU", 1.5, "CPU_group_abc", 1.0), Map.of(),
        1L << 20, 1L << 30, 3, time.milliseconds(), 0.5, 3L << 30, 8L << 30, 40, 2).toBytes());
    JsonObject status = api.call(HttpMethod.GET, "/api/cluster_status", null).bodyAsJsonObject();
    assertEquals(1, status.getInteger("nodes_alive"));
    assertEquals(1, status.getInteger("nodes_dead"));
    assertEquals(1, status.getInteger("drivers_alive"));
    assertEquals(new JsonObject().put("CPU", new JsonObject().put("used", 2.5).put("total", 4.0)),
        status.getJsonObject("resources"));
    JsonObject sample = Await.value("a history sample with the head's load", Duration.ofSeconds(10),
        () -> {
          var samples = api.call(HttpMethod.GET, "/api/cluster_history", null).bodyAsJsonObject()
              .getJsonArray("samples");
          for (Object s : samples) {
            if (((JsonObject) s).getDouble("cpu_total") == 4.0) {
              return (JsonObject) s;
            }
          }
          return null;
        });
    assertEquals(2.5, sample.getDouble("cpu_used"));
    assertEquals(0.5, sample.getDouble("cpu_utilization"));
    assertEquals(3L << 30, sample.getLong("memory_used_bytes"));
    assertEquals(8L << 30, sample.getLong("memory_total_bytes"));
    assertEquals(1L << 20, sample.getLong("object_store_used_bytes"));
    assertEquals(42L, sample.getLong("tasks_ended_total"), "finished and failed on the nodes");
  }

  @Test
  void aNodesLogIsReadFromThatNodeBoundedToTheLinesAsked() throws Exception {
    api = new JobsApi(time, Map.of());
    UniqueId node = IdFactory.newUniqueId();
    api.gcs.nodes().put(node, new NodeRecord(node, "worker", "127.0.0.1:6380", "host-b", true,
        Map.of("CPU", 2.0), 4002, 4003, 1000L, null));
    Path log = Files.createTempFile("node", ".log");
    try {
      Files.writeString(log, "one\ntwo\nthree\nfour\n");
      JobsApi.await(api.vertx.deployVerticle(new NodeLogVerticle(node.toHex(), log)));
      String q = "?node_id=" + node.toHex();
      HttpResponse<Buffer> last2 = api.call(HttpMethod.GET, "/api/v0/logs/file" + q + "&lines=2", null);
      assertEquals(200, last2.statusCode(), last2.bodyAsString());
      assertEquals("three\nfour\n", last2.bodyAsString());
      assertEquals("one\ntwo\nthree\nfour\n",
          api.call(HttpMethod.GET, "/api/v0/logs/file" + q, null).bodyAsString());
      JsonObject listed = api.call(HttpMethod.GET, "/api/v0/logs" + q, null).bodyAsJsonObject();
      assertEquals(log.getFileName().toString(), listed.getJsonObject("data").getJsonObject("result")
          .getJsonArray("node").getString(0));
      HttpResponse<Buffer> badLines = api.call(HttpMethod.GET, "/api/v0/logs/file" + q + "&lines=0", null);
      assertEquals(400, badLines.statusCode());
      assertFalse(badLines.bodyAsJsonObject().getBoolean("result"));
      assertTrue(badLines.bodyAsJsonObject().getString("msg").startsWith("lines"),
          badLines.bodyAsString());
      assertEquals(404, api.call(HttpMethod.GET, "/api/v0/logs/file" + q + "&filename=other.log",
          null).statusCode());
      HttpResponse<Buffer> unknown = api.call(HttpMethod.GET, "/api/v0/logs/file?node_id="
          + IdFactory.newUniqueId().toHex(), null);
      assertEquals(404, unknown.statusCode());
      assertNotNull(unknown.bodyAsJsonObject().getString("msg"));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
