package dev.jray.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.placement.PlacementVerticle;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.NodeWorkers;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker pool deployed without a NodeVerticle into a plain Vert.x, after the store and the
 * scheduler of its node, each configured by JSON.
 */
public class WorkerPoolVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final UniqueId node = IdFactory.newUniqueId();

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  public static int square(int x) {
    return x * x;
  }

  @Test
  void runsTasksAndStoresLargeValuesThroughTheApiThenStopsItsThreads() throws Exception {
    ObjectStoreVerticle store = new ObjectStoreVerticle();
    await(vertx.deployVerticle(store, config(new JsonObject().put("capacityBytes", 64 << 20))));
    await(vertx.deployVerticle(new SchedulerVerticle(), config(new JsonObject()
        .put("resources", new JsonObject().put("CPU", 2)))));
    WorkerPoolVerticle pool = new WorkerPoolVerticle();
    String deployment = await(vertx.deployVerticle(pool, config(new JsonObject())));
    CoreWorker worker = pool.worker();
    Gcs gcs = LocalParts.gcs(vertx, node);
    JobId job = gcs.nextJobId();
    gcs.jobs().put(job, new JobRecord(job, "ns", node, 0, 0, List.of()));
    worker.startDriver(job, "ns", WorkerPoolVerticleTest.class.getClassLoader());
    NodeWorkers.install(worker);
    Ray.init();
    try {
      assertEquals(49, Ray.task(WorkerPoolVerticleTest::square, 7).remote().get());
      ObjectRef<byte[]> large = Ray.put(new byte[1 << 20]);
      assertEquals(1 << 20, large.get().length);
      JsonObject storeStats = await(vertx.eventBus().<JsonObject>request(
          ObjectStoreVerticle.statsAddress(node), null)).body();
      assertEquals(1, storeStats.getInteger("objectCount"), "the large value is in the store");
      JsonObject stats = await(vertx.eventBus().<JsonObject>request(
          WorkerPoolVerticle.statsAddress(node), null)).body();
      assertEquals(0, stats.getInteger("linkPort"), "alone: no links listen");
      assertTrue(stats.containsKey("poolThreads") && stats.containsKey("completedTasks"),
          stats::encode);
      assertSame(pool, LocalParts.find(vertx, node, WorkerPoolVerticle.class));
      assertNotNull(LocalParts.find(vertx, node, PlacementVerticle.GroupWork.class));
      assertEquals(ProcessHandle.current().pid(), stats.getLong("pid"));
      assertEquals(node.toHex(), stats.getString("host_node_id"));

      // the state API's rows: a cap that leaves some out says so, and how many there were
      assertEquals(4, Ray.task(WorkerPoolVerticleTest::square, 2).remote().get());
      assertEquals(9, Ray.task(WorkerPoolVerticleTest::square, 3).remote().get());
      JsonObject tasks = await(vertx.eventBus().<JsonObject>request(
          WorkerPoolVerticle.statsAddress(node), new JsonObject()
              .put(WorkerPoolVerticle.TASK_EVENTS, 1))).body();
      // a row cap of 1 reads the newest 4 events: 2 of the 3 tasks, and says both
      assertEquals(1, tasks.getJsonArray("rows").size());
      assertEquals(2, tasks.getInteger("total"));
      assertTrue(tasks.getString("warning").contains("had 2 tasks' rows; answered the newest 1")
          && tasks.getString("warning").contains(" older task events were overwritten in its"
              + " per-thread rings or not read"), tasks::encode);
      JsonObject row = tasks.getJsonArray("rows").getJsonObject(0);
      assertEquals(node.toHex(), row.getString("worker_id"), "ran in this node's JVM");
      JsonObject all = await(vertx.eventBus().<JsonObject>request(
          WorkerPoolVerticle.statsAddress(node), new JsonObject()
              .put(WorkerPoolVerticle.TASK_EVENTS, 100))).body();
      assertEquals(3, all.getJsonArray("rows").size());
      assertEquals("", all.getString("warning"), "nothing left out");
      JsonObject objects = await(vertx.eventBus().<JsonObject>request(
          WorkerPoolVerticle.statsAddress(node), new JsonObject()
              .put(WorkerPoolVerticle.OBJECTS, 0))).body();
      assertEquals(0, objects.getJsonArray("rows").size());
      assertTrue(objects.getInteger("total") >= 1, objects::encode);
      assertTrue(objects.getString("warning").startsWith("holds "), objects::encode);
    } finally {
      NodeWorkers.uninstall(worker);
      Ray.shutdown();
    }

    await(vertx.undeploy(deployment));

    assertNull(LocalParts.find(vertx, node, WorkerPoolVerticle.class));
    assertNull(LocalParts.find(vertx, node, PlacementVerticle.GroupWork.class));
    ExecutionException gone = assertThrows(ExecutionException.class, () -> await(
        vertx.eventBus().request(WorkerPoolVerticle.statsAddress(node), null)));
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) gone.getCause()).failureType());
  }

  @Test
  void aBadDeploymentFailsSayingWhatToFix() throws Exception {
    assertDeployFails(new DeploymentOptions(),
        "WorkerPoolVerticle config: key 'nodeId' is required");
    assertDeployFails(config(new JsonObject().put("linkHost", 7)),
        "WorkerPoolVerticle config: key 'linkHost' must be a non-empty string, got 7");
    assertDeployFails(config(new JsonObject()),
        "WorkerPoolVerticle of node " + node + " needs that node's ObjectStoreVerticle");
    await(vertx.deployVerticle(new ObjectStoreVerticle(),
        config(new JsonObject().put("capacityBytes", 1 << 20))));
    assertDeployFails(config(new JsonObject()),
        "WorkerPoolVerticle of node " + node + " needs that node's SchedulerVerticle");
  }

  private void assertDeployFails(DeploymentOptions options, String messageStart) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.deployVerticle(new WorkerPoolVerticle(), options)));
    assertTrue(e.getCause().getMessage().startsWith(messageStart), e.getCause()::getMessage);
  }

  private DeploymentOptions config(JsonObject json) {
    return new DeploymentOptions().setConfig(json.put("nodeId", node.toHex()));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
