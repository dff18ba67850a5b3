package dev.jray.placement;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.ResourceScheduler;
import dev.jray.scheduler.SchedulerMessages.BundleCommit;
import dev.jray.scheduler.SchedulerMessages.BundlePrepare;
import dev.jray.scheduler.SchedulerMessages.BundleReturn;
import dev.jray.scheduler.SchedulerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-phase reservation of some of a group's bundles on chosen nodes: every chosen node's
 * scheduler prepares its bundle (takes the resources from available) and, only if all did, all
 * commit; otherwise what was taken is given back. This node's scheduler is called directly, the
 * others' over the event bus ({@link SchedulerVerticle#address}).
 *
 * <p>Threading: used by the placement verticle only, from its own context (a worker verticle's,
 * one handler at a time); the futures it returns complete there. Never blocks.
 */
final class BundleReservation {
  private static final Logger LOG = LoggerFactory.getLogger(BundleReservation.class);
  private static final long BUNDLE_REQUEST_TIMEOUT_MS = 10_000;

  /** How a round ended. */
  enum Outcome {
    /** Every bundle asked for is committed. */
    COMMITTED,
    /** A node refused, or a commit failed: all that was taken is given back. */
    REFUSED,
    /** The group was removed meanwhile: all that was taken is given back. */
    GONE
  }

  private final Vertx vertx;
  private final ResourceScheduler local;
  private final long commitDelayMs;

  /**
   * @param commitDelayMs how long to hold the commits after the prepares (a fault-injection point
   *     for tests, see {@link PlacementVerticle#COMMIT_DELAY_PROPERTY}); 0 outside them
   */
  BundleReservation(Vertx vertx, ResourceScheduler local, long commitDelayMs) {
    this.vertx = vertx;
    this.local = local;
    this.commitDelayMs = commitDelayMs;
  }

  /**
   * Reserves the bundles {@code todo} (indexes into {@code bundles}) of group {@code id}, each on
   * its node in {@code chosen}.
   *
   * @param stillWanted false once the group was removed (read between the phases and at the end)
   */
  Future<Outcome> reserve(PlacementGroupId id, List<ResourceSet> bundles, List<UniqueId> chosen,
      List<Integer> todo, BooleanSupplier stillWanted) {
    List<Future<Boolean>> prepares = new ArrayList<>();
    for (int i : todo) {
      prepares.add(prepare(chosen.get(i), id, i, bundles.get(i)));
    }
    return Future.join(prepares).transform(ignored -> {
      boolean allPrepared = prepares.stream().allMatch(f -> f.succeeded() && f.result());
      if (!allPrepared || !stillWanted.getAsBoolean()) {
        for (int k = 0; k < todo.size(); k++) {
          if (prepares.get(k).succeeded() && prepares.get(k).result()) {
            returnBundle(chosen.get(todo.get(k)), id, todo.get(k));
          }
        }
        return Future.succeededFuture(stillWanted.getAsBoolean() ? Outcome.REFUSED : Outcome.GONE);
      }
      return heldBeforeCommit(id).compose(v -> commitAll(id, chosen, todo, stillWanted));
    });
  }

  private Future<Void> heldBeforeCommit(PlacementGroupId id) {
    if (commitDelayMs <= 0) {
      return Future.succeededFuture();
    }
    LOG.warn("testing: group " + id + " prepared, its commit held for " + commitDelayMs + " ms ("
        + PlacementVerticle.COMMIT_DELAY_PROPERTY + ")");
    return vertx.timer(commitDelayMs).mapEmpty();
  }

  /** Phase two: commits the prepared bundles; returns them all if any commit fails. */
  private Future<Outcome> commitAll(PlacementGroupId id, List<UniqueId> chosen,
      List<Integer> todo, BooleanSupplier stillWanted) {
    List<Future<Boolean>> commits = new ArrayList<>();
    for (int i : todo) {
      commits.add(commit(chosen.get(i), id, i));
    }
    return Future.join(commits).transform(done -> {
      boolean wanted = stillWanted.getAsBoolean();
      boolean allCommitted = commits.stream().allMatch(f -> f.succeeded() && f.result());
      if (!wanted || !allCommitted) {
        // removed meanwhile, or a node died between the phases: give back what was taken
        giveBack(id, chosen, todo);
        return Future.succeededFuture(wanted ? Outcome.REFUSED : Outcome.GONE);
      }
      return Future.succeededFuture(Outcome.COMMITTED);
    });
  }

  /** Returns the bundles {@code todo} of a group, each on its {@code chosen} node. */
  void giveBack(PlacementGroupId id, List<UniqueId> chosen, List<Integer> todo) {
    for (int i : todo) {
      returnBundle(chosen.get(i), id, i);
    }
  }

  private Future<Boolean> prepare(UniqueId node, PlacementGroupId id, int index, ResourceSet r) {
    if (node.equals(local.nodeId())) {
      return Future.succeededFuture(local.prepareBundle(id, index, r));
    }
    return ask(node, new BundlePrepare(id, index, r.toMap()));
  }

  private Future<Boolean> commit(UniqueId node, PlacementGroupId id, int index) {
    if (node.equals(local.nodeId())) {
      return Future.succeededFuture(local.commitBundle(id, index));
    }
    return ask(node, new BundleCommit(id, index));
  }

  private Future<Boolean> returnBundle(UniqueId node, PlacementGroupId id, int index) {
    if (node.equals(local.nodeId())) {
      local.returnBundle(id, index);
      return Future.succeededFuture(true);
    }
    // a node that is gone has nothing to give back: that counts as returned
    return ask(node, new BundleReturn(id, index)).otherwise(true);
  }

  private Future<Boolean> ask(UniqueId node, Object message) {
    return vertx.eventBus().<Boolean>request(SchedulerVerticle.address(node), message,
        new DeliveryOptions().setSendTimeout(BUNDLE_REQUEST_TIMEOUT_MS)).map(Message::body);
  }
}
