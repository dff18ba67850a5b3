package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A head and a lite driver, each with its own HazelcastGcs. */
@Tag("hazelcast")
class HazelcastGcsTest {
  private static TestCluster cluster;
  private static HazelcastInstance head;
  private static HazelcastInstance driver;
  private static Gcs onHead;
  private static Gcs onDriver;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster();
    head = cluster.startHead();
    driver = cluster.startDriver();
    onHead = new HazelcastGcs(head);
    onDriver = new HazelcastGcs(driver);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void jobIdsAreUniqueAndIncreasingAcrossMembers() throws Exception {
    int threadsPerMember = 4;
    int idsPerThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerMember);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < 2 * threadsPerMember; t++) {
        Gcs gcs = t % 2 == 0 ? onHead : onDriver;
        results.add(pool.submit(() -> {
          List<Integer> ids = new ArrayList<>();
          for (int i = 0; i < idsPerThread; i++) {
            ids.add(gcs.nextJobId().toInt());
          }
          return ids;
        }));
      }
      Set<Integer> all = new HashSet<>();
      for (Future<List<Integer>> f : results) {
        List<Integer> ids = f.get(30, TimeUnit.SECONDS);
        for (int i = 1; i < ids.size(); i++) {
          assertTrue(ids.get(i) > ids.get(i - 1), "increasing: " + ids);
        }
        all.addAll(ids);
      }
      assertEquals(2 * threadsPerMember * idsPerThread, all.size());
      assertTrue(all.stream().allMatch(id -> id > 0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tablesAreTheNamedMapsSharedByAllMembers() {
    JobId job = onDriver.nextJobId();
    NodeRecord node = new NodeRecord(IdFactory.newUniqueId(), "worker", "127.0.0.1:1", "host", true,
        Map.of("CPU", 4.0, "memory", 1e9, "GPU", 0.0), 0, 0, 1L, null);
    ActorId actor = IdFactory.newActorId(job);
    ActorRecord record = new ActorRecord(actor, job, "C", "a", "ns", false, 0, 0,
        ActorState.PENDING_CREATION, null, 0, null, null);

    onDriver.nodes().put(node.nodeId(), node);
    onDriver.jobs().put(job, new JobRecord(job, "ns", node.nodeId(), 1L, 0L, List.of()));
    onDriver.actors().put(actor, record);
    onDriver.actorNames().put(Gcs.actorNameKey("ns", "a"), actor);
    onDriver.kv().put("pkg", new byte[] {1, 2, 3});

    assertEquals(node, onHead.nodes().get(node.nodeId()));
    assertEquals(node.dead(), onHead.nodes().update(node.nodeId(), NodeRecord::dead));
    assertEquals("ns", onHead.jobs().get(job).namespace());
    assertEquals(ActorState.ALIVE,
        onHead.actors().update(actor, r -> r.withState(ActorState.ALIVE, node.nodeId())).state());
    assertEquals(actor, onHead.actorNames().get(Gcs.actorNameKey("ns", "a")));
    assertEquals(3, onHead.kv().get("pkg").length);

    Set<String> maps = head.getDistributedObjects().stream()
        .map(DistributedObject::getName).collect(Collectors.toSet());
    assertTrue(maps.containsAll(Set.of(HazelcastGcs.NODES, HazelcastGcs.JOBS, HazelcastGcs.ACTORS,
        HazelcastGcs.ACTOR_NAMES, HazelcastGcs.KV)), maps::toString);
    assertEquals(ClusterConfig.DEFAULT_GCS_BACKUPS,
        head.getConfig().getMapConfig(HazelcastGcs.NODES).getBackupCount());
  }

  @Test
  void closeLeavesHazelcastRunning() {
    new HazelcastGcs(head).close();
    assertTrue(head.getLifecycleService().isRunning());
  }
}
