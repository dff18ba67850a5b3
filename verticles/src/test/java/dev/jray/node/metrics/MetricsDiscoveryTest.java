package dev.jray.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head's service-discovery file: the live nodes' valid endpoints, Ray's JSON shape, kept
 * current as nodes come and go; records that are not {@code host:port} are skipped.
 */
class MetricsDiscoveryTest {
  private final Vertx vertx = Vertx.vertx();
  private final Gcs gcs = new InMemoryGcs();
  @TempDir Path dir;

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void listsTheLiveNodesEndpointsAndDropsANodeThatDies() {
    UniqueId head = node("head");
    UniqueId worker = node("worker");
    UniqueId strange = node("worker");
    UniqueId diedBefore = node("worker");
    MetricsEndpoints.publish(gcs, diedBefore, "127.0.0.1:9999");
    gcs.nodes().update(diedBefore, NodeRecord::dead);
    MetricsEndpoints.publish(gcs, head, "127.0.0.1:8080");
    MetricsEndpoints.publish(gcs, worker, "[::1]:41234");
    // a record no jray node writes (a quote in the host): skipped
    gcs.kv().put(MetricsEndpoints.KEY_PREFIX + strange.toHex(),
        "x\":1".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("sd").resolve(MetricsDiscovery.FILE_NAME);

    try (MetricsDiscovery discovery = MetricsDiscovery.start(vertx, gcs, file)) {
      awaitTargets(file, List.of("127.0.0.1:8080", "[::1]:41234"));
      assertNull(gcs.kv().get(MetricsEndpoints.KEY_PREFIX + diedBefore.toHex()),
          "the record of a node that died before the head watched");
      gcs.nodes().update(worker, NodeRecord::dead);
      awaitTargets(file, List.of("127.0.0.1:8080"));
      // the dead node's record goes with it
      Await.until("the dead worker's endpoint record is removed", Duration.ofSeconds(30),
          () -> gcs.kv().get(MetricsEndpoints.KEY_PREFIX + worker.toHex()) == null);
    }
    assertTrue(gcs.kv().get(MetricsEndpoints.KEY_PREFIX + head.toHex()) != null);
  }

  @Test
  void anEndpointMustBeHostColonPort() {
    for (String bad : List.of("", "host", "host:", ":80", "host:0", "host:65536", "host:8o",
        "ho st:80", "h\"st:80", "a,b:80", "h".repeat(300) + ":80")) {
      assertFalse(MetricsEndpoints.valid(bad), bad);
    }
    assertTrue(MetricsEndpoints.valid("node-1.example.com:9100"));
    assertThrows(IllegalArgumentException.class,
        () -> MetricsEndpoints.publish(gcs, IdFactory.newUniqueId(), "no-port"));
    assertEquals("[::1]:80", MetricsEndpoints.target("::1", 80));
  }

  private UniqueId node(String role) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, new NodeRecord(id, role, "127.0.0.1", "localhost", true,
        Map.of("CPU", 1.0), 0, 0, 0, null));
    return id;
  }

  private static void awaitTargets(Path file, List<String> targets) {
    Await.until(file + " lists " + targets, Duration.ofSeconds(30), () -> {
      List<Object> listed = targets(file);
      return listed.size() == targets.size() && listed.containsAll(targets);
    });
  }

  private static List<Object> targets(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      JsonArray groups = new JsonArray(Files.readString(file, StandardCharsets.UTF_8));
      assertEquals("jray", groups.getJsonObject(0).getJsonObject("labels").getString("job"));
      return groups.getJsonObject(0).getJsonArray("targets").getList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
