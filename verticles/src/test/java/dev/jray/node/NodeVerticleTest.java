package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.placement.PlacementVerticle;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node deploys its parts in order, each a child of the one before, so they go in reverse. */
class NodeVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final Gcs gcs = new InMemoryGcs();

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void deploysStoreSchedulerWorkerPoolAndPlacementInOrderAndRegistersTheNode() throws Exception {
    NodeVerticle node = await(NodeVerticle.deploy(vertx,
        NodeOptions.fromSystemProperties("127.0.0.1", NodeOptions.EMBEDDED), gcs));
    UniqueId id = node.options().nodeId();

    List<String> parts = node.partDeploymentIds();
    assertEquals(4, parts.size(), parts::toString);
    assertTrue(vertx.deploymentIDs().containsAll(parts));
    // each part answers on its stats address, and is the one the node's accessors give
    assertEquals(node.store().capacity(), request(ObjectStoreVerticle.statsAddress(id))
        .getLong("capacityBytes"));
    assertEquals(node.scheduler().total().get("CPU"), request(SchedulerVerticle.statsAddress(id))
        .getJsonObject("total").getDouble("CPU"));
    assertEquals(0, request(WorkerPoolVerticle.statsAddress(id)).getInteger("linkPort"));
    assertEquals(true, request(PlacementVerticle.statsAddress(id)).getBoolean("active"),
        "a node alone leads its placement service");
    assertTrue(gcs.nodes().get(id).alive());
  }

  @Test
  void deployedByNameWithATokenFileThatIsNoTokenItFailsNamingTheKey() throws Exception {
    Path notAToken = Files.createTempFile("not-a-token", "");
    try {
      Throwable e = assertThrows(ExecutionException.class, () -> await(vertx.deployVerticle(
          NodeVerticle.class.getName(), new DeploymentOptions().setConfig(new JsonObject()
              .put(NodeVerticle.TOKEN_FILE, notAToken.toString()))))).getCause();

      assertInstanceOf(IllegalArgumentException.class, e);
      assertTrue(e.getMessage().startsWith("NodeVerticle config: key 'tokenFile': token file "
          + notAToken), e::getMessage);
    } finally {
      Files.delete(notAToken);
    }
  }

  @Test
  void undeployingAPartTakesTheLaterPartsWithItAndTheNodeTakesThemAll() throws Exception {
    NodeVerticle node = await(NodeVerticle.deploy(vertx,
        NodeOptions.fromSystemProperties("127.0.0.1", NodeOptions.EMBEDDED), gcs));
    UniqueId id = node.options().nodeId();
    List<String> parts = node.partDeploymentIds();
    String nodeDeployment = only(minus(vertx.deploymentIDs(), parts));

    // the worker pool (third) goes with the placement service (fourth), store and scheduler stay
    await(vertx.undeploy(parts.get(2)));

    assertEquals(Set.copyOf(parts.subList(0, 2)),
        minus(vertx.deploymentIDs(), List.of(nodeDeployment)));
    assertNull(LocalParts.find(vertx, id, WorkerPoolVerticle.class));
    assertEquals(node.store().capacity(), request(ObjectStoreVerticle.statsAddress(id))
        .getLong("capacityBytes"));

    await(vertx.undeploy(nodeDeployment));

    assertTrue(vertx.deploymentIDs().isEmpty(), vertx.deploymentIDs()::toString);
    assertNull(LocalParts.find(vertx, id, ObjectStoreVerticle.class));
    assertNull(LocalParts.find(vertx, id, SchedulerVerticle.class));
    assertNull(LocalParts.find(vertx, id, Gcs.class));
    assertFalse(gcs.nodes().get(id).alive());
  }

  private JsonObject request(String address) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(address, null)).body();
  }

  private static Set<String> minus(Set<String> all, List<String> some) {
    Set<String> rest = new HashSet<>(all);
    some.forEach(rest::remove);
    return rest;
  }

  private static String only(Set<String> ids) {
    assertEquals(1, ids.size(), ids::toString);
    return ids.iterator().next();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
