package dev.jray.gcs.cluster;

import static dev.jray.gcs.cluster.TestCluster.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the node sees of the cluster through {@link ClusteredVertx}: membership and the GCS. */
@Tag("hazelcast")
class MembershipTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void theHeadLeadsAndHearsAWorkerLeaveByItsNodeIdAndAClientReadsTheGcs() throws Exception {
    TestCluster cluster = new TestCluster();
    UniqueId workerId = IdFactory.newUniqueId();
    ClusteredVertx head = await(ClusterConfig.head(HOST, cluster.headPort(), cluster.token())
       .nodeId(IdFactory.newUniqueId()).join(HOST));
    ClusteredVertx worker = null;
    try {
      worker = await(ClusterConfig.member(cluster.headAddress(), HOST, ClusterConfig.Role.WORKER,
          false, cluster.token()).nodeId(workerId).join(HOST));
      List<UniqueId> left = new CopyOnWriteArrayList<>();
      head.membership().onNodeLeft(left::add);

      assertTrue(head.membership().isLeader());
      assertFalse(worker.membership().isLeader());
      assertEquals(cluster.headAddress(), head.membership().localAddress());

      worker.gcs().kv().put("written-by-worker", new byte[] {7});
      try (Gcs client = GcsClient.connect(cluster.headAddress(), cluster.token())) {
        assertEquals(7, client.kv().get("written-by-worker")[0]);
      }

      await(worker.vertx().close());
      worker = null;
      Await.until("the head hears the worker leave", TIMEOUT, () -> !left.isEmpty());
      assertEquals(List.of(workerId), left);
    } finally {
      Future<Void> closing = worker == null ? Future.succeededFuture() : worker.vertx().close();
      await(closing.eventually(() -> head.vertx().close()));
    }
  }

  @Test
  void attachedNodesLiveThroughTheirHostAndLeaveAfterItOrWhenItRecordsThemGone()
      throws Exception {
    TestCluster cluster = new TestCluster();
    UniqueId headId = IdFactory.newUniqueId();
    UniqueId workerId = IdFactory.newUniqueId();
    ClusteredVertx head = await(ClusterConfig.head(HOST, cluster.headPort(), cluster.token())
        .nodeId(headId).join(HOST));
    ClusteredVertx worker = null;
    try {
      worker = await(ClusterConfig.member(cluster.headAddress(), HOST, ClusterConfig.Role.WORKER,
          false, cluster.token()).nodeId(workerId).join(HOST));
      List<UniqueId> left = new CopyOnWriteArrayList<>();
      head.membership().onNodeLeft(left::add);
      Membership seenByWorker = worker.membership();
      UniqueId ofHead = attach(worker.gcs(), headId);
      UniqueId firstOfWorker = attach(worker.gcs(), workerId);
      UniqueId secondOfWorker = attach(head.gcs(), workerId);

      Set<UniqueId> all = Set.of(headId, workerId, ofHead, firstOfWorker, secondOfWorker);
      Await.until("the head sees the attached nodes live", TIMEOUT,
          () -> head.membership().liveNodes().equals(all));
      Await.until("the worker sees them too", TIMEOUT, () -> seenByWorker.liveNodes().equals(all));

      assertTrue(AttachedNodes.recordGone(worker.gcs(), ofHead), "its host saw it end");
      Await.until("the head hears its attached node leave", TIMEOUT, () -> !left.isEmpty());
      assertEquals(List.of(ofHead), left);
      assertFalse(head.membership().liveNodes().contains(ofHead));

      await(worker.vertx().close());
      worker = null;
      Await.until("the head hears the worker and its nodes leave", TIMEOUT,
          () -> left.size() >= 4);
      assertEquals(List.of(ofHead, workerId), left.subList(0, 2), "the host before its nodes");
      assertEquals(Set.of(firstOfWorker, secondOfWorker), Set.copyOf(left.subList(2, 4)));
      assertEquals(Set.of(headId), head.membership().liveNodes());
      // the leader records their deaths (the worker's record too): none is heard twice
      head.gcs().nodes().update(firstOfWorker, NodeRecord::dead);
      head.gcs().nodes().update(secondOfWorker, NodeRecord::dead);
      UniqueId late = attach(head.gcs(), workerId);
      Await.until("a node recorded after its host left is heard at once", TIMEOUT,
          () -> left.size() >= 5);
      assertEquals(List.of(ofHead, workerId, late), List.of(left.get(0), left.get(1),
          left.get(4)));
      assertEquals(5, Set.copyOf(left).size(), left::toString);
    } finally {
      Future<Void> closing = worker == null ? Future.succeededFuture() : worker.vertx().close();
      await(closing.eventually(() -> head.vertx().close()));
    }
  }

  private static UniqueId attach(Gcs gcs, UniqueId host) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, new NodeRecord(id, "worker-process", HOST + ":1", "h", true, Map.of(),
        0, 0, 1, host));
    return id;
  }

  @Test
  void aCancelledListenerHearsNothing() throws Exception {
    TestCluster cluster = new TestCluster();
    ClusteredVertx head = await(ClusterConfig.head(HOST, cluster.headPort(), cluster.token())
       .join(HOST));
    try {
      List<UniqueId> cancelledHeard = new CopyOnWriteArrayList<>();
      List<UniqueId> activeHeard = new CopyOnWriteArrayList<>();
      head.membership().onNodeLeft(cancelledHeard::add).cancel();
      head.membership().onNodeLeft(activeHeard::add);
      ClusteredVertx worker = await(ClusterConfig.member(cluster.headAddress(), HOST,
          ClusterConfig.Role.WORKER, false, cluster.token())
          .nodeId(IdFactory.newUniqueId()).join(HOST));
      await(worker.vertx().close());

      Await.until("the head hears the worker leave", TIMEOUT, () -> !activeHeard.isEmpty());
      assertTrue(cancelledHeard.isEmpty(), cancelledHeard::toString);
    } finally {
      await(head.vertx().close());
    }
  }

  @Test
  void aVertxNotClusteredWithHazelcastIsRefused() throws Exception {
    Vertx plain = Vertx.vertx();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ClusteredVertx.of(plain));
      assertTrue(e.getMessage().contains("HazelcastClusterManager"), e::getMessage);
    } finally {
      await(plain.close());
    }
  }

  @Test
  void aClientWithNoClusterThereFailsNamingTheAddress() {
    String nowhere = HOST + ":" + TestCluster.freePort();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GcsClient.connect(nowhere, ClusterToken.generate()));
    assertTrue(e.getMessage().startsWith("No jray cluster answers at " + nowhere), e::getMessage);
  }

  @Test
  void aClientWithAnotherTokenIsToldItsTokenIsWrongAndTheMemberSaysWhomItRefused() {
    try (TestCluster cluster = new TestCluster(); LogCapture refusals = new LogCapture(
        RefusedPeers.class)) {
      cluster.startHead();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> GcsClient.connect(cluster.headAddress(), ClusterToken.generate()));
      assertEquals("cannot connect to the cluster at " + cluster.headAddress()
          + ": no member there has this cluster token (wrong token?)", e.getMessage());
      // the client tried again every second, from a new port each time: one line all the same
      assertEquals(1, refusals.messages().stream()
          .filter(m -> m.startsWith("refused a Hazelcast client at 127.0.0.1:")).count(),
          refusals.messages()::toString);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(),
        TimeUnit.SECONDS);
  }
}
