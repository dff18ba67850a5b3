package dev.jray.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.placement.PlacementMessages.GroupChanged;
import dev.jray.placement.PlacementMessages.Place;
import dev.jray.scheduler.SchedulerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An elastic group (at least 2, at most 4 one-CPU bundles, STRICT_SPREAD) on nodes of one CPU
 * each, their schedulers in one Vert.x reporting to each other as in a cluster, the placement
 * service on the first: created with 2, grown as nodes come, shrunk without RESCHEDULING as they
 * die, RESCHEDULING only below its minimum.
 */
class ElasticPlacementTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Vertx vertx = Vertx.vertx();
  /** Each node's scheduler deployment, by node. */
  private final Map<UniqueId, String> deployments = new HashMap<>();
  private final List<GroupChanged> changes = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private UniqueId startNode() throws Exception {
    UniqueId node = IdFactory.newUniqueId();
    deployments.put(node, await(vertx.deployVerticle(new SchedulerVerticle(),
        new DeploymentOptions().setConfig(new JsonObject().put("nodeId", node.toHex())
            .put("clustered", true).put("resources", new JsonObject().put("CPU", 1))))));
    return node;
  }

  /** The node's scheduler stops, and the placement service hears of its death. */
  private void kill(UniqueId node, PlacementVerticle placement) throws Exception {
    await(vertx.undeploy(deployments.remove(node)));
    placement.onNodeDied(node);
  }

  private static List<Integer> reserved(Gcs gcs, PlacementGroupId id) {
    return gcs.placementGroups().get(id).reservedBundleIndexes();
  }

  @Test
  void createdAtItsMinimumGrowsAsNodesJoinAndShrinksWithoutReschedulingUntilBelowIt()
      throws Exception {
    UniqueId a = startNode();
    UniqueId b = startNode();
    PlacementVerticle placement = new PlacementVerticle();
    await(vertx.deployVerticle(placement, PlacementVerticle.deploymentOptions()
        .setConfig(new JsonObject().put("nodeId", a.toHex()).put("active", true))));
    await(vertx.eventBus().<GroupChanged>consumer(PlacementMessages.CHANGED_ADDRESS,
        m -> changes.add(m.body())).completion());
    Gcs gcs = LocalParts.gcs(vertx, a);
    PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
    PlacementGroupRecord group = PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        Collections.nCopies(4, Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD, 0, 2, false);
    gcs.placementGroups().put(id, group);
    Await.until("both nodes report", WAIT, () -> LocalParts.require(vertx, a,
        SchedulerVerticle.class, "test").view().knows(b));

    vertx.eventBus().send(PlacementMessages.ADDRESS, new Place(group));

    Await.until("the group is created", WAIT,
        () -> gcs.placementGroups().get(id).state() == PlacementGroupState.CREATED);
    PlacementGroupRecord created = gcs.placementGroups().get(id);
    assertEquals(List.of(0, 1), created.reservedBundleIndexes(), "its minimum, lowest first");
    assertEquals(new HashSet<>(List.of(a, b)), new HashSet<>(created.bundleNodes().subList(0, 2)));

    UniqueId c = startNode();
    UniqueId d = startNode();
    Await.until("the group grows to its maximum", WAIT, () -> reserved(gcs, id).size() == 4);
    PlacementGroupRecord grown = gcs.placementGroups().get(id);
    assertEquals(PlacementGroupState.CREATED, grown.state());
    assertEquals(new HashSet<>(List.of(a, b, c, d)), new HashSet<>(grown.bundleNodes()),
        "one bundle a node");
    int lostIndex = grown.bundleNodes().indexOf(d);

    kill(d, placement);
    Await.until("d's bundle is dropped", WAIT, () -> reserved(gcs, id).size() == 3);
    PlacementGroupRecord shrunk = gcs.placementGroups().get(id);
    assertEquals(PlacementGroupState.CREATED, shrunk.state(), "3 of at least 2: still created");
    assertFalse(shrunk.reservedBundleIndexes().contains(lostIndex), shrunk::toString);

    kill(c, placement);
    Await.until("c's bundle is dropped", WAIT, () -> reserved(gcs, id).size() == 2);
    assertEquals(PlacementGroupState.CREATED, gcs.placementGroups().get(id).state(),
        "at its minimum: still created");
    assertFalse(changes.contains(new GroupChanged(id, PlacementGroupState.RESCHEDULING)),
        "never rescheduling while it kept its minimum: " + changes);

    kill(b, placement);
    Await.until("below its minimum it reschedules", WAIT,
        () -> gcs.placementGroups().get(id).state() == PlacementGroupState.RESCHEDULING);
    assertEquals(List.of(a), gcs.placementGroups().get(id).bundleNodes().stream()
        .filter(Objects::nonNull).toList());

    UniqueId e = startNode();
    Await.until("a new node brings it back to its minimum", WAIT,
        () -> gcs.placementGroups().get(id).state() == PlacementGroupState.CREATED);
    assertEquals(new HashSet<>(List.of(a, e)), new HashSet<>(gcs.placementGroups().get(id)
        .bundleNodes().stream().filter(Objects::nonNull).toList()));
    assertTrue(changes.contains(new GroupChanged(id, PlacementGroupState.RESCHEDULING)),
        changes::toString);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
