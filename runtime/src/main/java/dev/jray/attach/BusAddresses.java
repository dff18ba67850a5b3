package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.placement.PlacementMessages;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.store.ObjectStoreVerticle;
import java.util.List;

/**
 * The event-bus addresses an attached process bridges: those whose messages it sends, publishes
 * or requests go to its host and onto the cluster's bus ({@code forwarded}); those the host
 * consumes on the cluster's bus for it and delivers to it ({@code received}). An address may be
 * in both (a broadcast the process both hears and makes).
 *
 * @param forwarded process to cluster
 * @param received cluster to process
 */
public record BusAddresses(List<String> forwarded, List<String> received) {
  public BusAddresses {
    forwarded = List.copyOf(forwarded);
    received = List.copyOf(received);
  }

  /**
   * The conversations of a node of role "worker-process" ({@code self}): it runs no tasks of the
   * scheduler's, holds objects and hosts the tasks and actors its host hands it. From every
   * {@code eventBus()} use in runtime, store, scheduler, placement, verticles and jobs:
   *
   * <ul>
   *   <li>Forwarded: {@link PlacementMessages#ADDRESS} ({@code PlacementGroupClient} sends
   *       {@code Place} and requests {@code Remove}; the active placement verticle lives on
   *       another node); {@link SchedulerMessages#REPORT_REQUEST_ADDRESS} (its scheduler
   *       publishes one as it starts, to hear every node's report at once) and {@link
   *       SchedulerMessages#RESOURCES_ADDRESS} (published by a scheduler that runs tasks: a
   *       worker process's does not today, forwarded so that it may).
   *   <li>Received, broadcasts: {@link SchedulerMessages#RESOURCES_ADDRESS} (its scheduler's
   *       view of the cluster is built from every node's reports), {@link
   *       SchedulerMessages#REPORT_REQUEST_ADDRESS} (answered by a scheduler that publishes
   *       reports), {@link PlacementMessages#CHANGED_ADDRESS} ({@code PlacementGroupClient}
   *       wakes the callers that wait on a group).
   *   <li>Received, this node's own addresses, requested by other nodes: {@link
   *       PlacementMessages#nodeAddress} ({@code EndGroupWork} from the placement verticle;
   *       replies a {@code ResourceReport}), the stats of {@code ObjectStoreVerticle}, {@code
   *       SchedulerVerticle} and {@code WorkerPoolVerticle} (the state API and metrics; JSON
   *       replies) and {@code NodeLogVerticle}'s log tail ({@code jray logs}; JSON replies).
   * </ul>
   *
   * <p>Not bridged: {@code SchedulerVerticle.address} (bundle messages go only to nodes in the
   * scheduler's view, which a worker process never enters: it publishes no report), {@code
   * PlacementVerticle.statsAddress} (asked with {@code localOnly}, and only on nodes that run a
   * placement verticle), and the jobs' entrypoint addresses (entrypoints run on nodes, not in
   * worker processes).
   *
   * <p>{@code WorkerPoolVerticle} and {@code NodeLogVerticle} live in the {@code verticles}
   * module, above this one: their addresses are spelled here as they spell them, and a test in
   * {@code cli} (which sees both) checks that they agree.
   */
  public static BusAddresses workerProcess(UniqueId self) {
    return new BusAddresses(
        List.of(PlacementMessages.ADDRESS, SchedulerMessages.REPORT_REQUEST_ADDRESS,
            SchedulerMessages.RESOURCES_ADDRESS),
        List.of(SchedulerMessages.RESOURCES_ADDRESS, SchedulerMessages.REPORT_REQUEST_ADDRESS,
            PlacementMessages.CHANGED_ADDRESS, PlacementMessages.nodeAddress(self),
            ObjectStoreVerticle.statsAddress(self), SchedulerVerticle.statsAddress(self),
            workerPoolStatsAddress(self), nodeLogAddress(self)));
  }

  /** {@code WorkerPoolVerticle.statsAddress(self)}. */
  static String workerPoolStatsAddress(UniqueId self) {
    return "jray.node." + self.toHex() + ".workers.stats";
  }

  /** {@code NodeLogVerticle.address(self.toString())}, as a worker process deploys it. */
  static String nodeLogAddress(UniqueId self) {
    return "jray.node." + self + ".log.tail";
  }
}
