package dev.jray.api.placementgroup;

import dev.jray.api.id.PlacementGroupId;
import java.util.List;
import java.util.Map;

/** A set of resource bundles reserved across nodes under one strategy. */
public interface PlacementGroup {

  PlacementGroupId getId();

  String getName();

  List<Map<String, Double>> getBundles();

  PlacementStrategy getStrategy();

  /** The group's current state, read from the cluster. */
  PlacementGroupState getState();

  /**
   * Blocks until the group is created or the timeout passes.
   *
   * @return true if created within the timeout
   * @throws dev.jray.api.exception.RayException if the group was removed
   */
  boolean wait(int timeoutSeconds);
}
