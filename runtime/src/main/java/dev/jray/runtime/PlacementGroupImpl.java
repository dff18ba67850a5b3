package dev.jray.runtime;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.PlacementGroupRecord;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A handle on a placement group: its fixed description here, its state read from the cluster
 * through this JVM's worker, so a handle passed to a task works on any node.
 */
final class PlacementGroupImpl implements PlacementGroup, Serializable {
  private static final long serialVersionUID = 1L;

  private final PlacementGroupId id;
  private final String name;
  private final List<Map<String, Double>> bundles;
  private final PlacementStrategy strategy;
  /** 0 in a handle serialized before elastic groups: every bundle. */
  private final int minBundles;
  private final boolean detached;

  PlacementGroupImpl(PlacementGroupRecord record) {
    this.id = record.id();
    this.name = record.name();
    this.bundles = record.bundles();
    this.strategy = record.strategy();
    this.minBundles = record.minBundles();
    this.detached = record.detached();
  }

  @Override
  public PlacementGroupId getId() {
    return id;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public List<Map<String, Double>> getBundles() {
    return bundles;
  }

  @Override
  public PlacementStrategy getStrategy() {
    return strategy;
  }

  @Override
  public int getMinBundles() {
    return minBundles > 0 ? minBundles : bundles.size();
  }

  @Override
  public boolean isDetached() {
    return detached;
  }

  @Override
  public List<Integer> getReservedBundleIndexes() {
    return CoreWorker.current().placementGroups().reservedBundleIndexes(id);
  }

  @Override
  public PlacementGroupState getState() {
    return CoreWorker.current().placementGroups().state(id);
  }

  @Override
  public boolean wait(int timeoutSeconds) {
    return CoreWorker.current().placementGroups().waitCreated(id, timeoutSeconds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlacementGroupImpl p && p.id.equals(id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id);
  }

  @Override
  public String toString() {
    return "PlacementGroup(" + (name != null ? name + ", " : "") + id + ", " + strategy + ", "
        + bundles + (getMinBundles() < bundles.size() ? ", at least " + getMinBundles() : "")
        + (detached ? ", detached" : "") + ")";
  }
}
