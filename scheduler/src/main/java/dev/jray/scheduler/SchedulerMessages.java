package dev.jray.scheduler;

import dev.jray.task.TaskSpec;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Control messages a scheduler receives besides {@link TaskSpec}s, and its state reply. */
public final class SchedulerMessages {
  private SchedulerMessages() {}

  /**
   * The types that travel on the event bus with the Fory codec; {@link ResourceReport} has a
   * codec of its own ({@link ResourceReportCodec}).
   */
  public static List<Class<?>> types() {
    return List.of(TaskReleased.class, TaskBlocked.class, StateRequest.class,
        SchedulerState.class, BundlePrepare.class, BundleCommit.class, BundleReturn.class);
  }

  /** The task (or the actor it created) ended: give its resources back. */
  public record TaskReleased(TaskId taskId) implements Serializable {}

  /**
   * The task blocked in {@code get}/{@code wait} (lend its CPU to others, so nested tasks cannot
   * deadlock the node) or resumed (take it back, even if that oversubscribes for a while).
   */
  public record TaskBlocked(TaskId taskId, boolean blocked) implements Serializable {}

  /**
   * A node's resources, published to {@link #RESOURCES_ADDRESS} by every node that runs tasks,
   * when they change and at least every second; the other schedulers build their {@link
   * ClusterView} from these.
   */
  public record ResourceReport(UniqueId nodeId, Map<String, Double> total,
      Map<String, Double> available, int queued, Map<String, Integer> demands)
      implements Serializable {}

  /** Where {@link ResourceReport}s are published. */
  public static final String RESOURCES_ADDRESS = "jray.resources";

  /** Published by a node that just joined: every node answers with its report at once. */
  public static final String REPORT_REQUEST_ADDRESS = "jray.resources.request";

  /**
   * Phase one of a placement-group bundle's reservation (see {@link
   * ResourceScheduler#prepareBundle}); replied with a Boolean: whether it is reserved.
   */
  public record BundlePrepare(PlacementGroupId group, int index, Map<String, Double> resources)
      implements Serializable {}

  /** Phase two: the prepared bundle becomes usable; replied with a Boolean. */
  public record BundleCommit(PlacementGroupId group, int index) implements Serializable {}

  /** Aborts or returns a bundle; replied with true once done. */
  public record BundleReturn(PlacementGroupId group, int index) implements Serializable {}

  /** Asks for a {@link SchedulerState}. */
  public record StateRequest() implements Serializable {}

  /**
   * A scheduler's resources and queues.
   *
   * @param demands pending tasks by resource shape, including infeasible ones
   * @param infeasible pending tasks no node can run, by shape
   */
  public record SchedulerState(Map<String, Double> total, Map<String, Double> available,
      Map<String, Integer> demands, Map<String, Integer> infeasible, int running)
      implements Serializable {}
}
