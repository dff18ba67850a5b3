package dev.jray.gcs.cluster;

import static dev.jray.gcs.cluster.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.NodeInfo;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("hazelcast")
class ClusteredVertxTest {

  @Test
  void eventBusRequestReplyAcrossTwoClusteredVertx() throws Exception {
    TestCluster cluster = new TestCluster();
    ClusteredVertx head = ClusterConfig.clusteredVertx(cluster.headConfig(), HOST)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    ClusteredVertx worker = null;
    try {
      worker =
          ClusterConfig.clusteredVertx(cluster.memberConfig(ClusterConfig.Role.WORKER, false), HOST)
              .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(2, head.hazelcast().getCluster().getMembers().size());
      NodeInfo workerBus = ((VertxInternal) worker.vertx()).clusterManager().getNodeInfo();
      assertEquals(HOST, workerBus.host());
      assertTrue(workerBus.port() > 0);

      head.vertx().eventBus().<String>consumer("jray.test.echo", m -> m.reply("echo:" + m.body()))
          .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Message<String> reply =
          worker.vertx().eventBus().<String>request("jray.test.echo", "hi")
              .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertEquals("echo:hi", reply.body());

      // closing the Vert.x instance takes its Hazelcast member down with it
      worker.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertFalse(worker.hazelcast().getLifecycleService().isRunning());
      Await.until("the head sees the worker leave", Duration.ofSeconds(10),
          () -> head.hazelcast().getCluster().getMembers().size() == 1);
      worker = null;
    } finally {
      Future<Void> closing = worker == null ? Future.succeededFuture() : worker.vertx().close();
      closing.eventually(() -> head.vertx().close())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkerThatFindsNoHeadFailsInsteadOfStartingAlone() {
    TestCluster noHead = new TestCluster();
    ExecutionException e = assertThrows(ExecutionException.class, () ->
        ClusterConfig.clusteredVertx(noHead.memberConfig(ClusterConfig.Role.WORKER, false), HOST)
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));

    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getCause().getMessage().startsWith(
        "could not join the jray cluster at " + noHead.headAddress() + ": no head answers there"),
        e.getCause()::getMessage);
  }
}
