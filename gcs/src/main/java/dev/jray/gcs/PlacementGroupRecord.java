package dev.jray.gcs;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A placement group in the GCS. {@code bundleNodes} has one entry per bundle: the node holding
 * its reservation, or null while it is not placed (a pending group, a lost bundle of a
 * rescheduling one, or a bundle an elastic group has not reserved yet).
 *
 * <p>An elastic group ({@code minBundles} below the bundle count) is CREATED while at least
 * {@code minBundles} of its bundles are reserved, and the placement service keeps reserving the
 * others while there is room. Serialized with Java serialization: a record written before {@code
 * minBundles} and {@code detached} existed reads back with 0 and false, which mean "every bundle"
 * and "ends with its job", what such a group was.
 *
 * @param name null for an anonymous group
 * @param minBundles how many bundles must be reserved for the group to be CREATED; 0 (as read
 *     from an older record) is normalized to every bundle
 * @param detached whether the group outlives its job (removed only when asked)
 */
public record PlacementGroupRecord(PlacementGroupId id, String name, String namespace,
    JobId jobId, List<Map<String, Double>> bundles, PlacementStrategy strategy,
    PlacementGroupState state, List<UniqueId> bundleNodes, long createdAtMs, int minBundles,
    boolean detached) implements Serializable {

  public PlacementGroupRecord {
    bundles = List.copyOf(bundles);
    bundleNodes = Collections.unmodifiableList(new ArrayList<>(bundleNodes));
    if (minBundles <= 0 || minBundles > bundles.size()) {
      minBundles = bundles.size();
    }
  }

  /** A group that needs all its bundles and ends with its job (as all did before elastic ones). */
  public PlacementGroupRecord(PlacementGroupId id, String name, String namespace, JobId jobId,
      List<Map<String, Double>> bundles, PlacementStrategy strategy, PlacementGroupState state,
      List<UniqueId> bundleNodes, long createdAtMs) {
    this(id, name, namespace, jobId, bundles, strategy, state, bundleNodes, createdAtMs, 0, false);
  }

  /** A new group, none of its bundles placed yet, that needs them all and ends with its job. */
  public static PlacementGroupRecord pending(PlacementGroupId id, String name, String namespace,
      JobId jobId, List<Map<String, Double>> bundles, PlacementStrategy strategy, long nowMs) {
    return pending(id, name, namespace, jobId, bundles, strategy, nowMs, bundles.size(), false);
  }

  /**
   * A new group, none of its bundles placed yet.
   *
   * @param minBundles bundles it needs to be CREATED (fewer than {@code bundles}: elastic)
   */
  public static PlacementGroupRecord pending(PlacementGroupId id, String name, String namespace,
      JobId jobId, List<Map<String, Double>> bundles, PlacementStrategy strategy, long nowMs,
      int minBundles, boolean detached) {
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy,
        PlacementGroupState.PENDING, Collections.nCopies(bundles.size(), null), nowMs, minBundles,
        detached);
  }

  public PlacementGroupRecord withState(PlacementGroupState newState) {
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy, newState,
        bundleNodes, createdAtMs, minBundles, detached);
  }

  /**
   * Its bundles now on these nodes (null: not reserved): CREATED if at least {@link #minBundles}
   * are, else still waiting (PENDING if it never was created, else RESCHEDULING).
   */
  public PlacementGroupRecord placedOn(List<UniqueId> nodes) {
    long reserved = nodes.stream().filter(n -> n != null).count();
    PlacementGroupState next = reserved >= minBundles ? PlacementGroupState.CREATED
        : state == PlacementGroupState.PENDING ? PlacementGroupState.PENDING
        : PlacementGroupState.RESCHEDULING;
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy, next, nodes,
        createdAtMs, minBundles, detached);
  }

  /**
   * The bundles on {@code node} are lost: unplaced. A CREATED group that keeps at least {@link
   * #minBundles} stays CREATED (an elastic group shrinks); a PENDING one (never created) stays
   * PENDING; any other goes RESCHEDULING.
   */
  public PlacementGroupRecord lostNode(UniqueId node) {
    if (!bundleNodes.contains(node)) {
      return this;
    }
    List<UniqueId> nodes = new ArrayList<>(bundleNodes);
    nodes.replaceAll(n -> node.equals(n) ? null : n);
    long left = nodes.stream().filter(n -> n != null).count();
    PlacementGroupState next = state == PlacementGroupState.CREATED && left >= minBundles
        ? PlacementGroupState.CREATED
        : state == PlacementGroupState.PENDING ? PlacementGroupState.PENDING
        : PlacementGroupState.RESCHEDULING;
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy, next, nodes,
        createdAtMs, minBundles, detached);
  }

  public boolean isRemoved() {
    return state == PlacementGroupState.REMOVED;
  }

  /** Whether it may be CREATED with fewer than all its bundles reserved. */
  public boolean isElastic() {
    return minBundles < bundles.size();
  }

  /** The indexes of the bundles reserved now, ascending. */
  public List<Integer> reservedBundleIndexes() {
    List<Integer> reserved = new ArrayList<>();
    for (int i = 0; i < bundleNodes.size(); i++) {
      if (bundleNodes.get(i) != null) {
        reserved.add(i);
      }
    }
    return reserved;
  }

  /** Whether every bundle is reserved (nothing left for the placement service to do). */
  public boolean isComplete() {
    return !bundleNodes.contains(null);
  }
}
