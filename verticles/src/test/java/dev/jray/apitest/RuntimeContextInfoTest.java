package dev.jray.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtimecontext.ActorInfo;
import dev.jray.api.runtimecontext.ActorState;
import dev.jray.api.runtimecontext.NodeInfo;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.gcs.time.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ray's RuntimeContext.getAllActorInfo and NodeInfo's fields, on an embedded cluster. */
public class RuntimeContextInfoTest {

  @BeforeAll
  static void init() {
    Ray.init();
  }

  @AfterAll
  static void shutdown() {
    Ray.shutdown();
  }

  public static class Echo {
    public int ping() {
      return 1;
    }
  }

  /** Counts from an actor's own method: what a Ray program sees from inside the cluster. */
  public static int aliveActorsSeenFromATask(JobId job) {
    return Ray.getRuntimeContext().getAllActorInfo(job, ActorState.ALIVE).size();
  }

  private static Optional<ActorInfo> find(List<ActorInfo> actors, ActorId id) {
    return actors.stream().filter(a -> a.actorId.equals(id)).findFirst();
  }

  @Test
  void allActorInfoHasEachActorsStateRestartsNodeAndName() {
    RuntimeContext context = Ray.getRuntimeContext();
    String name = "info-" + UUID.randomUUID();
    ActorHandle<Echo> named = Ray.actor(Echo::new).setName(name).remote();
    ActorHandle<Echo> restarted = Ray.actor(Echo::new).setMaxRestarts(1).remote();
    ActorHandle<Echo> killed = Ray.actor(Echo::new).remote();
    for (ActorHandle<Echo> a : List.of(named, restarted, killed)) {
      assertEquals(1, a.task(Echo::ping).remote().get(30_000));
    }
    killed.kill();
    restarted.kill(false);

    Await.until("the killed actor is DEAD and the other ALIVE after one restart",
        Duration.ofSeconds(30), () -> {
          List<ActorInfo> all = context.getAllActorInfo();
          return find(all, killed.getId()).map(a -> a.state == ActorState.DEAD).orElse(false)
              && find(all, restarted.getId())
                  .map(a -> a.state == ActorState.ALIVE && a.numRestarts == 1).orElse(false);
        });

    List<ActorInfo> all = context.getAllActorInfo();
    ActorInfo info = find(all, named.getId()).orElseThrow();
    assertEquals(ActorState.ALIVE, info.state);
    assertEquals(name, info.name);
    assertEquals(0, info.numRestarts);
    NodeInfo node = context.getAllNodeInfo().get(0);
    assertEquals(context.getCurrentNodeId(), info.address.nodeId);
    assertEquals(node.nodeAddress, info.address.ip);
    assertEquals(node.nodeManagerPort, info.address.port);
    assertEquals("", find(all, killed.getId()).orElseThrow().name, "unnamed: empty, as Ray's");

    JobId job = context.getCurrentJobId();
    List<ActorInfo> alive = context.getAllActorInfo(job, ActorState.ALIVE);
    assertTrue(find(alive, named.getId()).isPresent(), String.valueOf(alive));
    assertTrue(find(alive, killed.getId()).isEmpty(), "a dead actor is not ALIVE");
    assertTrue(alive.stream().allMatch(a -> a.state == ActorState.ALIVE));
    List<ActorInfo> dead = context.getAllActorInfo(null, ActorState.DEAD);
    assertTrue(find(dead, killed.getId()).isPresent(), String.valueOf(dead));
    assertTrue(find(context.getAllActorInfo(job, null), killed.getId()).isPresent());
    assertTrue(context.getAllActorInfo(JobId.fromInt(Integer.MAX_VALUE - 1), null).isEmpty(),
        "another job's filter leaves this job's actors out");
    assertEquals(alive.size(),
        Ray.task(RuntimeContextInfoTest::aliveActorsSeenFromATask, job).remote().get(30_000),
        "a task sees the same actors");
  }

  @Test
  void actorStatesHaveRaysNumbers() {
    assertEquals(0, ActorState.DEPENDENCIES_UNREADY.getValue());
    assertEquals(ActorState.ALIVE, ActorState.fromValue(2));
    assertEquals(ActorState.DEAD, ActorState.fromValue(4));
    assertEquals("RESTARTING", ActorState.fromValue(3).getName());
    assertThrows(IllegalArgumentException.class, () -> ActorState.fromValue(5));
  }

  @Test
  void nodeInfoHasRaysFields() {
    NodeInfo node = Ray.getRuntimeContext().getAllNodeInfo().get(0);
    assertEquals(Map.of(), node.labels, "the node has no labels");
    assertEquals("", node.objectStoreSocketName, "no plasma socket: copies move over TCP");
    assertEquals("", node.rayletSocketName);
    assertEquals(0, node.nodeManagerPort, "an embedded node opens no links to other nodes");

    UniqueId id = UniqueId.randomId();
    NodeInfo rays = new NodeInfo(id, "10.0.0.1", "host", 7000, "/tmp/plasma", "/tmp/raylet", true,
        Map.of("CPU", 2.0));
    assertEquals(7000, rays.nodeManagerPort);
    assertEquals("/tmp/plasma", rays.objectStoreSocketName);
    assertEquals(Map.of(), rays.labels);
    NodeInfo labelled = new NodeInfo(id, "10.0.0.1", "host", 7000, "", "", true,
        Map.of("CPU", 2.0), Map.of("zone", "a"));
    assertEquals(Map.of("zone", "a"), labelled.labels);
  }
}
