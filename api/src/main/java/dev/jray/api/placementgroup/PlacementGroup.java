package dev.jray.api.placementgroup;

import dev.jray.api.id.PlacementGroupId;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** A set of resource bundles reserved across nodes under one strategy. */
public interface PlacementGroup {

  PlacementGroupId getId();

  String getName();

  /** Every bundle it declared (for an elastic group, its most), reserved now or not. */
  List<Map<String, Double>> getBundles();

  /**
   * How many bundles must be reserved for it to be CREATED: {@code getBundles().size()} unless it
   * is elastic (created with {@code setMinBundles}).
   */
  default int getMinBundles() {
    return getBundles().size();
  }

  /** Whether it outlives its job (created with lifetime DETACHED). */
  default boolean isDetached() {
    return false;
  }

  /**
   * The indexes (into {@link #getBundles()}) of the bundles reserved now, ascending, read from the
   * cluster: all of them for a CREATED group that is not elastic; for an elastic group those it
   * holds at the moment, which change as nodes join and leave. Work asking for a bundle index not
   * in this list waits until that bundle is reserved; work asking for any bundle (index -1) runs
   * in one of these. Empty for a group not placed or removed. (This default, for a group that is
   * not elastic: every index while CREATED, else none.)
   */
  default List<Integer> getReservedBundleIndexes() {
    return getState() == PlacementGroupState.CREATED
        ? IntStream.range(0, getBundles().size()).boxed().toList() : List.of();
  }

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
