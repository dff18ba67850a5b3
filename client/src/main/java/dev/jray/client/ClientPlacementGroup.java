package dev.jray.client;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A placement group as a Ray Client sees it: what the driver said when asked; its state and
 * readiness are asked again each time. It crosses the wire as a {@link WireObjects.GroupToken}.
 *
 * <p>Immutable; thread-safe.
 */
final class ClientPlacementGroup implements PlacementGroup, Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final transient ClientRuntime runtime;
  private final ClientRequests.GroupSnapshot snapshot;

  ClientPlacementGroup(ClientRuntime runtime, ClientRequests.GroupSnapshot snapshot) {
    this.runtime = runtime;
    this.snapshot = snapshot;
  }

  @Override
  public PlacementGroupId getId() {
    return snapshot.id();
  }

  @Override
  public String getName() {
    return snapshot.name();
  }

  @Override
  public List<Map<String, Double>> getBundles() {
    return snapshot.bundles();
  }

  @Override
  public PlacementStrategy getStrategy() {
    return snapshot.strategy();
  }

  @Override
  public int getMinBundles() {
    return snapshot.minBundles();
  }

  @Override
  public boolean isDetached() {
    return snapshot.detached();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Integer> getReservedBundleIndexes() {
    return (List<Integer>) runtime.invoke("groupReserved", snapshot.id());
  }

  @Override
  public PlacementGroupState getState() {
    return (PlacementGroupState) runtime.invoke("groupState", snapshot.id());
  }

  @Override
  public boolean wait(int timeoutSeconds) {
    return runtime.waitPlacementGroupReady(snapshot.id(), timeoutSeconds);
  }

  @Serial
  private Object writeReplace() {
    return new WireObjects.GroupToken(snapshot.id());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientPlacementGroup g && g.snapshot.id().equals(snapshot.id());
  }

  @Override
  public int hashCode() {
    return snapshot.id().hashCode();
  }

  @Override
  public String toString() {
    return "PlacementGroup(" + snapshot.id() + ")";
  }
}
