package dev.jray.placement;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.placement.PlacementMessages.EndGroupWork;
import dev.jray.placement.PlacementMessages.GroupChanged;
import dev.jray.placement.PlacementMessages.Place;
import dev.jray.placement.PlacementMessages.Remove;
import dev.jray.scheduler.ClusterView;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import dev.jray.scheduler.SchedulerVerticle;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.deploy.DeploymentConfig;
import dev.jray.gcs.deploy.LocalParts;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement service: places placement groups' bundles on nodes and keeps them placed. One
 * instance is deployed on every node that runs tasks, and one of them is active at a time (the
 * GCS leader's, see {@link #activate()}); the others stay idle.
 *
 * <p>A group is placed in one round at a time, the first created first, so two groups never race
 * for the same room: the {@link PlacementPolicy} picks nodes from the freshest resources known,
 * then the {@link BundleReservation} has every chosen node's scheduler prepare its bundle (take
 * the resources), and only if all did, all commit; otherwise all prepared bundles are returned
 * and the group waits for the next try. A group that cannot be placed is tried again every
 * {@link #RETRY_MS} ms (resources change: nodes join, groups go). A node's death puts its groups
 * in RESCHEDULING and their lost bundles are placed again.
 *
 * <p>An elastic group (its record's {@code minBundles} below its bundle count) is CREATED by a
 * round that reserves at least its minimum (as many bundles as fit, lowest indexes first); while
 * it misses bundles it stays on the retry cadence, after every group not created yet, and each
 * round adds what fits. A node's death takes its bundles from it; it stays CREATED while its
 * minimum remains, else goes RESCHEDULING.
 *
 * <p>Deployable alone into any Vert.x, as a worker verticle ({@link #deploymentOptions()}), next
 * to the {@link SchedulerVerticle} of the node named by its config's {@value #NODE_ID}; it ends a
 * removed group's work on this node through the {@link GroupWork} that node registered in {@link
 * LocalParts} (the worker pool), else by dropping the group's queued tasks.
 *
 * <p>Event-bus contract: the active instance takes {@link Place} and {@link Remove} (replied with
 * true once done) at {@link PlacementMessages#ADDRESS}; it publishes {@link GroupChanged} to
 * {@link PlacementMessages#CHANGED_ADDRESS}, asks nodes to end a group's work at {@link
 * PlacementMessages#nodeAddress} and their schedulers to reserve bundles at {@link
 * SchedulerVerticle#address}. {@link #statsAddress(UniqueId)} answers any request with JSON {@code
 * active}, {@code groups}, {@code waiting}. It registers the codecs of {@link
 * PlacementMessages#types()}.
 *
 * <p>Threading: runs as a worker verticle: its handlers run one at a time and may block on the
 * GCS; all its state is touched only by them (the collaborators are set in start, before).
 */
public final class PlacementVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementVerticle.class);
  static final long RETRY_MS = 200;
  private static final long BUNDLE_REQUEST_TIMEOUT_MS = 10_000;
  private static final int RECONCILE_EVERY_TICKS = 10;

  // ---- Deployment config (JSON keys) ----
  /** The id (hex) of the node whose scheduler it uses; required. */
  public static final String NODE_ID = "nodeId";
  /** Whether it is active from the start (a node alone leads); default false. */
  public static final String ACTIVE = "active";
  private static final Set<String> KEYS = Set.of(NODE_ID, ACTIVE);

  /**
   * {@code -Djray.testing.placement-commit-delay-ms=N}: a fault-injection point for the chaos
   * suite, as Ray's {@code RAY_testing_*} settings are: the active service waits N ms between a
   * group's prepares and its commits, and logs it, so that a test can kill the leader between the
   * two phases. Unset (0) outside such tests.
   */
  public static final String COMMIT_DELAY_PROPERTY = "jray.testing.placement-commit-delay-ms";

  // ---- Event-bus contract (the rest is in PlacementMessages) ----
  /**
   * {@code jray.node.<nodeId>.placement.stats}: any request body; replies a JSON object with
   * {@code active} (boolean), {@code groups} (groups not removed it knows), {@code waiting}
   * (groups that did not fit on their last try, elastic ones short of their maximum included)
   * and {@code states} (those groups counted by state: {@code {"PENDING": 2, "CREATED": 5}}).
   */
  public static String statsAddress(UniqueId nodeId) {
    return "jray.node." + nodeId.toHex() + ".placement.stats";
  }

  /** Ends a removed group's work on a node: its actors and tasks. May block. */
  @FunctionalInterface
  public interface GroupWork {
    void end(PlacementGroupId group);
  }

  private Gcs gcs;
  private ResourceScheduler local;
  private BundleReservation reservation;
  private ClusterView view;
  private Consumer<PlacementGroupId> endLocalWork;
  /** Groups not removed, by id: the source of truth while active (mirrored in the GCS). */
  private final Map<PlacementGroupId, PlacementGroupRecord> groups = new HashMap<>();
  private final ArrayDeque<PlacementGroupId> toPlace = new ArrayDeque<>();
  /** Groups that could not be placed on their last try. */
  private final Set<PlacementGroupId> waiting = new LinkedHashSet<>();
  /** Groups whose wait for room was logged (once per group, at debug). */
  private final Set<PlacementGroupId> toldWaiting = new HashSet<>();
  private boolean active;
  private boolean placing;
  private MessageConsumer<Object> consumer;
  private long retryTimer = -1;
  private long ticks;
  private final long commitDelayMs = Long.getLong(COMMIT_DELAY_PROPERTY, 0);

  /** Finds its node's parts in this Vert.x (see {@link LocalParts}) when it starts. */
  public PlacementVerticle() {}

  /** How it must be deployed: as a worker verticle. */
  public static DeploymentOptions deploymentOptions() {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
  }

  /**
   * Makes this instance the active one (this node became the GCS leader): loads the groups from
   * the GCS, takes over the ones being placed, and starts taking requests. Idempotent; callable
   * from any thread.
   */
  public void activate() {
    context.runOnContext(v -> {
      if (active) {
        return;
      }
      active = true;
      Map<UniqueId, NodeRecord> nodes = gcs.nodes().snapshot();
      List<PlacementGroupRecord> known = new ArrayList<>(gcs.placementGroups().snapshot().values());
      // taken over in the order they were created, as the old leader placed them
      known.sort(Comparator.comparingLong(PlacementGroupRecord::createdAtMs));
      for (PlacementGroupRecord g : known) {
        if (g.isRemoved()) {
          continue;
        }
        PlacementGroupRecord now = g;
        for (UniqueId n : g.bundleNodes()) {
          NodeRecord node = n != null ? nodes.get(n) : null;
          if (n != null && (node == null || !node.alive())) {
            now = now.lostNode(n);
          }
        }
        if (now != g) {
          gcs.placementGroups().put(now.id(), now);
        }
        groups.put(now.id(), now);
        if (!now.isComplete()) {
          toPlace.add(now.id());
        }
      }
      consumer = vertx.eventBus().consumer(PlacementMessages.ADDRESS, this::onMessage);
      retryTimer = vertx.setPeriodic(RETRY_MS, t -> retryWaiting());
      LOG.atDebug().log(() -> "placement service active on node " + local.nodeId() + " with "
          + groups.size() + " groups");
      placeNext();
    });
  }

  /**
   * A node left the cluster: the groups with bundles there lose them (see {@link
   * PlacementGroupRecord#lostNode}: RESCHEDULING, or CREATED still for an elastic group left with
   * its minimum), and their lost bundles are placed again. Callable from any thread.
   */
  public void onNodeDied(UniqueId node) {
    Objects.requireNonNull(node, "node");
    context.runOnContext(v -> {
      if (!active) {
        return;
      }
      for (PlacementGroupRecord g : List.copyOf(groups.values())) {
        if (g.bundleNodes().contains(node)) {
          PlacementGroupRecord lost = g.lostNode(node);
          LOG.info("placement group " + describe(g) + " lost its bundles on node " + node
              + (lost.state() == PlacementGroupState.CREATED
                  ? ": it keeps " + lost.reservedBundleIndexes().size() + " (at least "
                      + lost.minBundles() + ") and is placing the others again"
                  : ": rescheduling them"));
          record(lost);
          if (!toPlace.contains(g.id())) {
            toPlace.add(g.id());
          }
        }
      }
      placeNext();
    });
  }

  @Override
  public void start() {
    if (!context.isWorkerContext()) {
      throw new IllegalStateException("deploy PlacementVerticle as a worker verticle: "
          + "PlacementVerticle.deploymentOptions()");
    }
    DeploymentConfig config = DeploymentConfig.of("PlacementVerticle", config(), KEYS);
    UniqueId nodeId = config.requiredNodeId(NODE_ID);
    boolean activeNow = config.bool(ACTIVE, false);
    SchedulerVerticle scheduler = LocalParts.require(vertx, nodeId, SchedulerVerticle.class,
        "PlacementVerticle");
    local = scheduler.scheduler();
    reservation = new BundleReservation(vertx, local, commitDelayMs);
    view = scheduler.view();
    gcs = LocalParts.gcs(vertx, nodeId);
    GroupWork work = LocalParts.find(vertx, nodeId, GroupWork.class);
    endLocalWork = work != null ? work::end : local::removeGroup;
    ForyMessageCodec.registerCodecs(vertx, PlacementMessages.types().toArray(new Class<?>[0]));
    vertx.eventBus().consumer(statsAddress(nodeId), m -> m.reply(new JsonObject()
        .put("active", active).put("groups", groups.size()).put("waiting", waiting.size())
        .put("states", countByState())));
    if (activeNow) {
      activate();
    }
  }

  /** The groups it knows, counted by state name. On its own thread. */
  private JsonObject countByState() {
    JsonObject counts = new JsonObject();
    for (PlacementGroupRecord g : groups.values()) {
      String state = g.state().name();
      counts.put(state, counts.getInteger(state, 0) + 1);
    }
    return counts;
  }

  @Override
  public void stop() {
    if (consumer != null) {
      consumer.unregister();
    }
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
  }

  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (body instanceof Place p) {
      // the reconciliation may have adopted the group from the GCS before its Place came: placed
      // once only, or its bundles would be reserved twice
      if (groups.putIfAbsent(p.group().id(), p.group()) == null) {
        toPlace.add(p.group().id());
      }
      placeNext();
    } else if (body instanceof Remove r) {
      remove(r.id()).onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(true);
        } else {
          message.fail(500, ar.cause().toString());
        }
      });
    } else {
      LOG.warn("the placement service ignores unknown message " + body);
    }
  }

  private void retryWaiting() {
    if (++ticks % RECONCILE_EVERY_TICKS == 0) {
      adoptUnknownGroups();
    }
    waiting.stream().filter(id -> !toPlace.contains(id)).forEach(toPlace::add);
    waiting.clear();
    // adopted groups are placed now too: their Place, which came first or never, is ignored
    placeNext();
  }

  /**
   * Takes on groups that are in the GCS but were never heard of here: their {@link Place} went
   * out while no instance was active (the leader had just died).
   */
  private void adoptUnknownGroups() {
    for (PlacementGroupRecord g : gcs.placementGroups().snapshot().values()) {
      if (!g.isRemoved() && !g.isComplete() && !groups.containsKey(g.id())) {
        groups.put(g.id(), g);
        toPlace.add(g.id());
      }
    }
  }

  /** Starts the next placement round unless one is under way. */
  private void placeNext() {
    while (!placing && !toPlace.isEmpty()) {
      PlacementGroupId next = PlacementPolicy.firstCreated(toPlace, groups);
      toPlace.remove(next);
      PlacementGroupRecord g = groups.get(next);
      if (g == null || g.isComplete()) {
        continue;
      }
      List<ResourceSet> bundles = g.bundles().stream().map(ResourceSet::of).toList();
      // an elastic group takes what fits now, as long as that reaches its minimum
      List<UniqueId> chosen = PlacementPolicy.placeSome(bundles, g.strategy(), g.bundleNodes(),
          g.minBundles(), candidates()).orElse(null);
      if (chosen == null) {
        waiting.add(g.id());
        if (toldWaiting.add(g.id())) {
          LOG.atDebug().log(() -> "placement group " + describe(g) + " waits for room: "
              + candidates());
        }
        continue;
      }
      placing = true;
      List<Integer> todo = new ArrayList<>();
      for (int i = 0; i < chosen.size(); i++) {
        if (g.bundleNodes().get(i) == null && chosen.get(i) != null) {
          todo.add(i);
        }
      }
      Future<BundleReservation.Outcome> round;
      try {
        round = reservation.reserve(g.id(), bundles, chosen, todo,
            () -> groups.containsKey(g.id()));
      } catch (RuntimeException e) {
        round = Future.failedFuture(e); // never leave the service placing for ever
      }
      round.onComplete(ar -> {
        placing = false;
        if (ar.failed()) {
          LOG.warn("placing group " + describe(g), ar.cause());
          waiting.add(g.id());
        } else if (ar.result() == BundleReservation.Outcome.REFUSED) {
          waiting.add(g.id()); // a node had less room than its last report said
          LOG.atDebug().log(() -> "placement group " + describe(g) + " refused on " + chosen);
        } else if (ar.result() == BundleReservation.Outcome.COMMITTED) {
          placed(g.id(), chosen, todo);
        }
        placeNext();
      });
    }
  }

  /**
   * Records the bundles {@code todo} of the group as reserved on their {@code chosen} nodes. A
   * node may have died during the round: its bundles count as lost, not placed. A group still
   * missing bundles (elastic, or it lost some meanwhile) is tried again on the retry cadence.
   */
  private void placed(PlacementGroupId id, List<UniqueId> chosen, List<Integer> todo) {
    PlacementGroupRecord current = groups.get(id);
    if (current == null) { // removed as the round ended: what it took goes back
      reservation.giveBack(id, chosen, todo);
      return;
    }
    List<UniqueId> nodes = new ArrayList<>(current.bundleNodes());
    for (int i : todo) {
      nodes.set(i, chosen.get(i));
    }
    PlacementGroupRecord now = current.placedOn(nodes);
    record(now);
    if (!now.isComplete()) {
      waiting.add(id);
    }
    LOG.atDebug().log(() -> "placement group " + describe(now) + " " + now.state() + " on "
        + nodes);
  }

  /** The nodes that can take bundles: this one (read now) and the others (latest reports). */
  private List<PlacementPolicy.Candidate> candidates() {
    List<PlacementPolicy.Candidate> c = new ArrayList<>();
    c.add(new PlacementPolicy.Candidate(local.nodeId(), local.available()));
    for (ResourceReport r : view.reports()) {
      if (!r.nodeId().equals(local.nodeId())) {
        c.add(new PlacementPolicy.Candidate(r.nodeId(), ResourceSet.of(r.available())));
      }
    }
    return c;
  }

  private Future<Boolean> remove(PlacementGroupId id) {
    PlacementGroupRecord g = groups.remove(id);
    if (g == null) {
      g = gcs.placementGroups().get(id);
      if (g == null || g.isRemoved()) {
        return Future.succeededFuture(true);
      }
    }
    toPlace.remove(id);
    waiting.remove(id);
    // the nodes holding bundles end the group's work there and return them, then answer;
    // work queued elsewhere fails when those nodes hear of the removal
    List<Future<Boolean>> returns = new ArrayList<>();
    for (UniqueId node : new LinkedHashSet<>(g.bundleNodes())) {
      if (local.nodeId().equals(node)) {
        endLocalWork.accept(id);
      } else if (node != null) {
        returns.add(vertx.eventBus().<ResourceReport>request(PlacementMessages.nodeAddress(node),
                new EndGroupWork(id), new DeliveryOptions().setSendTimeout(BUNDLE_REQUEST_TIMEOUT_MS))
            .map(reply -> {
              view.update(reply.body()); // the room it freed counts for the next group at once
              return true;
            }).otherwise(true)); // a node that is gone holds nothing
      }
    }
    PlacementGroupRecord removed = g.withState(PlacementGroupState.REMOVED);
    return Future.join(returns).transform(ignored -> {
      if (removed.name() != null) {
        String key = Gcs.actorNameKey(removed.namespace(), removed.name());
        gcs.placementGroupNames().update(key, current -> id.equals(current) ? null : current);
      }
      record(removed);
      return Future.succeededFuture(true);
    });
  }

  /** Stores the group's new state in the GCS and tells every node. */
  private void record(PlacementGroupRecord g) {
    toldWaiting.remove(g.id());
    if (g.isRemoved()) {
      groups.remove(g.id());
    } else {
      groups.put(g.id(), g);
    }
    gcs.placementGroups().put(g.id(), g);
    vertx.eventBus().publish(PlacementMessages.CHANGED_ADDRESS, new GroupChanged(g.id(), g.state()));
  }

  private static String describe(PlacementGroupRecord g) {
    return (g.name() != null ? "'" + g.name() + "' " : "") + g.id() + " (" + g.strategy() + ", "
        + g.bundles() + ")";
  }
}
