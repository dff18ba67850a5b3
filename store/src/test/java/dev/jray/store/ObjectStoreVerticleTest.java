package dev.jray.store;

import static dev.jray.store.TestObjects.assertContent;
import static dev.jray.store.TestObjects.data;
import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store deployed alone into a plain Vert.x, configured by JSON. */
class ObjectStoreVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  @TempDir Path spillBase;

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void storesObjectsAnswersStatsServesCopiesAndFreesEverythingOnUndeploy() throws Exception {
    UniqueId node = IdFactory.newUniqueId();
    ObjectStoreVerticle verticle = new ObjectStoreVerticle(ClusterToken.generate(), null);
    String deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(
        new JsonObject().put("nodeId", node.toHex()).put("capacityBytes", 8 << 20)
            .put("spillDirectory", spillBase.toString()).put("transferHost", "127.0.0.1"))));
    byte[] value = data(300_000, 7);

    verticle.store().put(id(1), value, true);

    assertContent(verticle.store(), id(1), value);
    JsonObject stats = await(vertx.eventBus().<JsonObject>request(
        ObjectStoreVerticle.statsAddress(node), null)).body();
    assertEquals(8 << 20, stats.getLong("capacityBytes"));
    assertEquals(1, stats.getInteger("objectCount"));
    assertTrue(stats.getLong("usedBytes") >= value.length, stats::encode);
    assertEquals(0, stats.getInteger("spilledCount"));
    assertEquals(verticle, LocalParts.find(vertx, node, ObjectStoreVerticle.class));
    int port = verticle.transferPort();
    assertTrue(port > 0);
    new Socket("127.0.0.1", port).close(); // the transfer server listens
    Path memory = verticle.store().memoryDirectory();
    assertTrue(Files.isDirectory(memory));
    assertEquals(1, entries(spillBase), "the store's own spill directory");

    await(vertx.undeploy(deployment));

    assertFalse(Files.exists(memory), "memory directory removed");
    assertEquals(0, entries(spillBase), "spill directory removed");
    assertThrows(ConnectException.class, () -> connect(port));
    assertNull(LocalParts.find(vertx, node, ObjectStoreVerticle.class));
    ExecutionException noStats = assertThrows(ExecutionException.class, () -> await(
        vertx.eventBus().request(ObjectStoreVerticle.statsAddress(node), null)));
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) noStats.getCause()).failureType());
  }

  @Test
  void aStoreAloneServesNoCopiesAndPullsNone() throws Exception {
    ObjectStoreVerticle verticle = new ObjectStoreVerticle();
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject()
        .put("capacityBytes", 1 << 20).put("spillDirectory", spillBase.toString()))));

    assertEquals(0, verticle.transferPort());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(verticle.pull(IdFactory.newUniqueId(), "127.0.0.1", 1, id(1))));
    assertTrue(e.getCause().getMessage().contains("runs alone"), e.getCause()::getMessage);
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheKey() {
    assertDeployFails(new JsonObject().put("capacityBytes", "lots"),
        "ObjectStoreVerticle config: key 'capacityBytes' must be a whole number above 0, got 'lots'");
    assertDeployFails(new JsonObject().put("capacityBytes", 1 << 20).put("transferPort", 70_000)
            .put("transferHost", "127.0.0.1"),
        "ObjectStoreVerticle config: key 'transferPort' must be a port");
    assertDeployFails(new JsonObject().put("nodeId", "not hex"),
        "ObjectStoreVerticle config: key 'nodeId' must be a node id in hex, got 'not hex'");
    assertDeployFails(new JsonObject().put("capacity", 1 << 20),
        "ObjectStoreVerticle config: unknown key 'capacity'");
    assertEquals(0, entries(spillBase), "a failed deployment leaves no directory");
  }

  private void assertDeployFails(JsonObject config, String messageStart) {
    config.put("spillDirectory", spillBase.toString());
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(
        vertx.deployVerticle(new ObjectStoreVerticle(), new DeploymentOptions().setConfig(config))));
    assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause()::toString);
    assertTrue(e.getCause().getMessage().startsWith(messageStart), e.getCause()::getMessage);
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
    }
  }

  private static long entries(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
