package dev.jray.placement;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.gcs.PlacementGroupRecord;
import java.io.Serializable;
import java.util.List;

/** What the placement verticle receives and publishes. Immutable. */
public final class PlacementMessages {
  private PlacementMessages() {}

  /** Where the active placement verticle listens. */
  public static final String ADDRESS = "jray.placement";

  /** Where every change of a group's state is published, to every node. */
  public static final String CHANGED_ADDRESS = "jray.placement.changed";

  /** A new group, already in the GCS as PENDING: place it. Sent, not replied. */
  public record Place(PlacementGroupRecord group) implements Serializable {}

  /** Remove a group: replied with true once its reservations are returned everywhere. */
  public record Remove(PlacementGroupId id) implements Serializable {}

  /**
   * Sent to {@link #nodeAddress} of each node holding bundles of a group being removed: the
   * node ends the group's actors and tasks and returns its bundles, then replies with its {@link
   * dev.jray.scheduler.SchedulerMessages.ResourceReport} (so the next placement counts the room
   * it freed without waiting for its next published report).
   */
  public record EndGroupWork(PlacementGroupId id) implements Serializable {}

  /** Where a node takes {@link EndGroupWork}. */
  public static String nodeAddress(UniqueId nodeId) {
    return "jray.node." + nodeId + ".placement";
  }

  /** A group's state changed (published to {@link #CHANGED_ADDRESS}). */
  public record GroupChanged(PlacementGroupId id, PlacementGroupState state)
      implements Serializable {}

  /** The message types above, for codec registration. */
  public static List<Class<?>> types() {
    return List.of(Place.class, Remove.class, EndGroupWork.class, GroupChanged.class);
  }
}
