package dev.jray.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.jray.placement.PlacementMessages.Remove;
import dev.jray.resources.BundleResources;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.SchedulerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The placement service deployed alone, beside its node's scheduler, configured by JSON. */
class PlacementVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final UniqueId node = IdFactory.newUniqueId();

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void placesAGroupOnItsNodesSchedulerAndRemovesIt() throws Exception {
    SchedulerVerticle scheduler = new SchedulerVerticle();
    await(vertx.deployVerticle(scheduler, new DeploymentOptions().setConfig(new JsonObject()
        .put("nodeId", node.toHex()).put("resources", new JsonObject().put("CPU", 4)))));
    String deployment = await(vertx.deployVerticle(new PlacementVerticle(),
        PlacementVerticle.deploymentOptions().setConfig(
            new JsonObject().put("nodeId", node.toHex()).put("active", true))));
    List<GroupChanged> changes = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<GroupChanged>consumer(PlacementMessages.CHANGED_ADDRESS,
        m -> changes.add(m.body())).completion());
    PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
    PlacementGroupRecord group = PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
        List.of(Map.of("CPU", 1.0), Map.of("CPU", 2.0)), PlacementStrategy.PACK, 0);
    Gcs gcs = LocalParts.gcs(vertx, node);
    gcs.placementGroups().put(id, group);

    vertx.eventBus().send(PlacementMessages.ADDRESS, new Place(group));

    Await.until("the group is created", Duration.ofSeconds(10),
        () -> changes.contains(new GroupChanged(id, PlacementGroupState.CREATED)));
    assertEquals(List.of(node, node), gcs.placementGroups().get(id).bundleNodes());
    ResourceSet bundle = BundleResources.committed(id, 1, ResourceSet.of("CPU", 2.0));
    assertTrue(bundle.fitsIn(scheduler.scheduler().total()), scheduler.scheduler().total()::toString);
    assertEquals(1.0, scheduler.scheduler().available().get("CPU"), "3 of 4 CPUs are reserved");
    JsonObject stats = await(vertx.eventBus().<JsonObject>request(
        PlacementVerticle.statsAddress(node), null)).body();
    assertEquals(new JsonObject().put("active", true).put("groups", 1).put("waiting", 0)
        .put("states", new JsonObject().put("CREATED", 1)), stats);

    assertEquals(true, await(vertx.eventBus().<Boolean>request(PlacementMessages.ADDRESS,
        new Remove(id))).body());
    assertEquals(4.0, scheduler.scheduler().available().get("CPU"), "the bundles are returned");
    assertEquals(PlacementGroupState.REMOVED, gcs.placementGroups().get(id).state());

    await(vertx.undeploy(deployment));
    ExecutionException gone = assertThrows(ExecutionException.class, () -> await(
        vertx.eventBus().request(PlacementVerticle.statsAddress(node), null)));
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) gone.getCause()).failureType());
  }

  @Test
  void aGroupWhosePlaceIsLostOrComesAfterTheReconciliationAdoptedItIsCreated() throws Exception {
    SchedulerVerticle scheduler = new SchedulerVerticle();
    await(vertx.deployVerticle(scheduler, new DeploymentOptions().setConfig(new JsonObject()
        .put("nodeId", node.toHex()).put("resources", new JsonObject().put("CPU", 4)))));
    await(vertx.deployVerticle(new PlacementVerticle(), PlacementVerticle.deploymentOptions()
        .setConfig(new JsonObject().put("nodeId", node.toHex()).put("active", true))));
    Gcs gcs = LocalParts.gcs(vertx, node);
    List<PlacementGroupId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
      gcs.placementGroups().put(id, PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
          List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK, 0));
      ids.add(id); // its Place never comes: the driver's bus connection lost it
    }
    Await.until("the groups are adopted and created", Duration.ofSeconds(20),
        () -> ids.stream().allMatch(id -> gcs.placementGroups().get(id).state()
            == PlacementGroupState.CREATED));
    for (PlacementGroupId id : ids) {
      assertEquals(PlacementGroupState.CREATED, gcs.placementGroups().get(id).state(), id::toString);
      vertx.eventBus().send(PlacementMessages.ADDRESS, new Place(gcs.placementGroups().get(id)));
    }
    JsonObject stats = await(vertx.eventBus().<JsonObject>request(
        PlacementVerticle.statsAddress(node), null)).body();
    assertEquals(1.0, scheduler.scheduler().available().get("CPU"),
        "each group reserved once, a late Place is ignored: " + stats);
  }

  @Test
  void aNewLeaderPlacesTheGroupsItTakesOverInTheOrderTheyWereCreated() throws Exception {
    SchedulerVerticle scheduler = new SchedulerVerticle();
    await(vertx.deployVerticle(scheduler, new DeploymentOptions().setConfig(new JsonObject()
        .put("nodeId", node.toHex()).put("resources", new JsonObject().put("CPU", 4)))));
    Gcs gcs = LocalParts.gcs(vertx, node);
    List<PlacementGroupId> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // each fills the node: one at a time, the oldest first
      PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
      gcs.placementGroups().put(id, PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
          List.of(Map.of("CPU", 4.0)), PlacementStrategy.PACK, 1_000 - i));
      ids.add(id); // the old leader died before placing any
    }
    PlacementVerticle placement = new PlacementVerticle();
    await(vertx.deployVerticle(placement, PlacementVerticle.deploymentOptions()
        .setConfig(new JsonObject().put("nodeId", node.toHex()))));

    placement.activate();

    PlacementGroupId oldest = ids.get(ids.size() - 1);
    Await.until("a group is created", Duration.ofSeconds(10), () -> ids.stream()
        .anyMatch(id -> gcs.placementGroups().get(id).state() == PlacementGroupState.CREATED));
    for (PlacementGroupId id : ids) {
      assertEquals(id.equals(oldest) ? PlacementGroupState.CREATED : PlacementGroupState.PENDING,
          gcs.placementGroups().get(id).state(), "created at " + gcs.placementGroups().get(id)
              .createdAtMs() + "; the oldest was created at 995");
    }
  }

  @Test
  void theGroupCreatedFirstIsPlacedFirstWhateverOrderItsRequestsCameIn() throws Exception {
    SchedulerVerticle scheduler = new SchedulerVerticle();
    await(vertx.deployVerticle(scheduler, new DeploymentOptions().setConfig(new JsonObject()
        .put("nodeId", node.toHex()).put("resources", new JsonObject().put("CPU", 4)))));
    Gcs gcs = LocalParts.gcs(vertx, node);
    PlacementGroupId holder = IdFactory.newPlacementGroupId(JobId.fromInt(1));
    PlacementGroupRecord holding = PlacementGroupRecord.pending(holder, null, "ns",
        JobId.fromInt(1), List.of(Map.of("CPU", 4.0)), PlacementStrategy.PACK, 1);
    gcs.placementGroups().put(holder, holding);
    List<PlacementGroupRecord> later = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // each fills the node; created at 10, 11, 12, 13
      PlacementGroupId id = IdFactory.newPlacementGroupId(JobId.fromInt(1));
      PlacementGroupRecord g = PlacementGroupRecord.pending(id, null, "ns", JobId.fromInt(1),
          List.of(Map.of("CPU", 4.0)), PlacementStrategy.PACK, 10 + i);
      gcs.placementGroups().put(id, g);
      later.add(g);
    }
    await(vertx.deployVerticle(new PlacementVerticle(), PlacementVerticle.deploymentOptions()
        .setConfig(new JsonObject().put("nodeId", node.toHex()).put("active", true))));
    // the holder's Place comes first; then the requests of the others, the last made first
    vertx.eventBus().send(PlacementMessages.ADDRESS, new Place(holding));
    Await.until("the holder is created", Duration.ofSeconds(10),
        () -> gcs.placementGroups().get(holder).state() == PlacementGroupState.CREATED);
    for (int i = later.size() - 1; i >= 0; i--) {
      vertx.eventBus().send(PlacementMessages.ADDRESS, new Place(later.get(i)));
    }
    await(vertx.eventBus().<JsonObject>request(PlacementVerticle.statsAddress(node), null));

    assertEquals(true, await(vertx.eventBus().<Boolean>request(PlacementMessages.ADDRESS,
        new Remove(holder))).body());

    PlacementGroupId first = later.get(0).id();
    Await.until("a later group is created", Duration.ofSeconds(10), () -> later.stream()
        .anyMatch(g -> gcs.placementGroups().get(g.id()).state() == PlacementGroupState.CREATED));
    for (PlacementGroupRecord g : later) {
      assertEquals(g.id().equals(first) ? PlacementGroupState.CREATED : PlacementGroupState.PENDING,
          gcs.placementGroups().get(g.id()).state(), "created at " + g.createdAtMs()
              + "; the first was created at 10");
    }
  }

  @Test
  void aBadDeploymentFailsSayingWhatToFix() {
    assertDeployFails(PlacementVerticle.deploymentOptions(), IllegalArgumentException.class,
        "PlacementVerticle config: key 'nodeId' is required");
    assertDeployFails(PlacementVerticle.deploymentOptions().setConfig(new JsonObject()
            .put("nodeId", node.toHex()).put("active", "yes")), IllegalArgumentException.class,
        "PlacementVerticle config: key 'active' must be true or false, got 'yes'");
    assertDeployFails(PlacementVerticle.deploymentOptions().setConfig(new JsonObject()
            .put("nodeId", node.toHex())), IllegalStateException.class,
        "PlacementVerticle of node " + node + " needs that node's SchedulerVerticle");
    assertDeployFails(new DeploymentOptions().setConfig(new JsonObject()
            .put("nodeId", node.toHex())), IllegalStateException.class,
        "deploy PlacementVerticle as a worker verticle");
  }

  private void assertDeployFails(DeploymentOptions options, Class<? extends Exception> type,
      String messageStart) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.deployVerticle(new PlacementVerticle(), options)));
    assertTrue(type.isInstance(e.getCause()), e.getCause()::toString);
    assertTrue(e.getCause().getMessage().startsWith(messageStart), e.getCause()::getMessage);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
