package dev.jray.gcs.cluster;

import static dev.jray.gcs.cluster.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.bus.EventBusGuard;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("hazelcast")
class ClusteredVertxTest {

  @Test
  void eventBusRequestReplyAcrossTwoClusteredVertx() throws Exception {
    TestCluster cluster = new TestCluster();
    ClusteredVertx head = ClusterConfig.clusteredVertx(cluster.headConfig(), cluster.token(), HOST)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    ClusteredVertx worker = null;
    try {
      worker =
          ClusterConfig.clusteredVertx(cluster.memberConfig(ClusterConfig.Role.WORKER, false),
              cluster.token(), HOST)
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
        ClusterConfig.clusteredVertx(noHead.memberConfig(ClusterConfig.Role.WORKER, false),
            noHead.token(), HOST)
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));

    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getCause().getMessage().startsWith(
        "could not join the jray cluster at " + noHead.headAddress() + ": no member answers there"),
        e.getCause()::getMessage);
  }

  /** A driver is a lite member: alone, Vert.x fails to start before it could see it is alone. */
  @ParameterizedTest
  @EnumSource(value = ClusterConfig.Role.class, names = {"WORKER", "DRIVER"})
  void aMemberWithAnotherTokenFailsNamingTheCauseAndTheHeadSaysWhomItRefused(
      ClusterConfig.Role role) throws Exception {
    try (TestCluster cluster = new TestCluster(); LogCapture refusals = new LogCapture(
        RefusedPeers.class)) {
      cluster.startHead();
      ExecutionException e = assertThrows(ExecutionException.class, () ->
          ClusterConfig.clusteredVertx(ClusterConfig.member(cluster.headAddress(), HOST,
                  role, role == ClusterConfig.Role.DRIVER, ClusterToken.generate()).build(),
                  ClusterToken.generate(), HOST)
              .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));

      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("cannot join the cluster at " + cluster.headAddress()
          + ": no member there has this cluster token (wrong token?)", e.getCause().getMessage());
      assertTrue(refusals.messages().stream().anyMatch(m -> m.startsWith(
          "refused a Hazelcast member at ")), refusals.messages()::toString);
    }
  }

  @Test
  void aMemberWithoutTheTokenReachesNoHandlerAndIsToldWhy() throws Exception {
    TestCluster cluster = new TestCluster();
    ClusteredVertx head = await(ClusterConfig.clusteredVertx(cluster.headConfig(), cluster.token(),
        HOST));
    Vertx intruder = null;
    ClusteredVertx member = null;
    try {
      List<Object> handled = new CopyOnWriteArrayList<>();
      await(head.vertx().eventBus().consumer("jray.placement", m -> {
        handled.add(m.body());
        m.reply("placed");
      }).completion());
      // it has the Hazelcast cluster name (anyone who reads the traffic does), not the token
      intruder = await(Vertx.builder()
          .with(new VertxOptions().setEventBusOptions(
              new EventBusOptions().setHost(HOST).setClusterPublicHost(HOST)))
          .withClusterManager(new HazelcastClusterManager(
              cluster.memberConfig(ClusterConfig.Role.WORKER, false)))
          .buildClustered());

      Future<Message<Object>> request = intruder.eventBus().request("jray.placement", "remove all");
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(request));

      ReplyException refused = assertInstanceOf(ReplyException.class, e.getCause());
      assertEquals(EventBusGuard.REFUSED, refused.failureCode());
      assertTrue(refused.getMessage().contains("no valid proof of the cluster token"),
          refused::getMessage);
      assertEquals(List.of(), handled);
      member = await(ClusterConfig.clusteredVertx(
          cluster.memberConfig(ClusterConfig.Role.WORKER, false), cluster.token(), HOST));
      assertEquals("placed", await(member.vertx().eventBus().request("jray.placement", "x"))
          .body());
      assertEquals(List.of("x"), handled);
    } finally {
      Future<Void> closing = intruder == null ? Future.succeededFuture() : intruder.close();
      ClusteredVertx joined = member;
      await(closing.eventually(() -> joined == null ? Future.succeededFuture()
          : joined.vertx().close()).eventually(() -> head.vertx().close()));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
