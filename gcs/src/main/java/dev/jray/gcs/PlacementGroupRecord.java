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
 * its reservation, or null while it is not placed (a pending group, or a lost bundle of a
 * rescheduling one).
 *
 * @param name null for an anonymous group
 */
public record PlacementGroupRecord(PlacementGroupId id, String name, String namespace,
    JobId jobId, List<Map<String, Double>> bundles, PlacementStrategy strategy,
    PlacementGroupState state, List<UniqueId> bundleNodes, long createdAtMs)
    implements Serializable {

  public PlacementGroupRecord {
    bundles = List.copyOf(bundles);
    bundleNodes = Collections.unmodifiableList(new ArrayList<>(bundleNodes));
  }

  /** A new group, none of its bundles placed yet. */
  public static PlacementGroupRecord pending(PlacementGroupId id, String name, String namespace,
      JobId jobId, List<Map<String, Double>> bundles, PlacementStrategy strategy, long nowMs) {
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy,
        PlacementGroupState.PENDING, Collections.nCopies(bundles.size(), null), nowMs);
  }

  public PlacementGroupRecord withState(PlacementGroupState newState) {
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy, newState,
        bundleNodes, createdAtMs);
  }

  /** Every bundle placed on these nodes: the group is created. */
  public PlacementGroupRecord created(List<UniqueId> nodes) {
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy,
        PlacementGroupState.CREATED, nodes, createdAtMs);
  }

  /** The bundles on {@code node} are lost: unplaced, and the group reschedules them. */
  public PlacementGroupRecord lostNode(UniqueId node) {
    List<UniqueId> nodes = new ArrayList<>(bundleNodes);
    nodes.replaceAll(n -> node.equals(n) ? null : n);
    return new PlacementGroupRecord(id, name, namespace, jobId, bundles, strategy,
        PlacementGroupState.RESCHEDULING, nodes, createdAtMs);
  }

  public boolean isRemoved() {
    return state == PlacementGroupState.REMOVED;
  }
}
