package dev.jray.api;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import java.util.List;
import java.util.Objects;

/** Placement-group operations, as {@code io.ray.api.PlacementGroups}. */
public final class PlacementGroups {
  private PlacementGroups() {}

  /**
   * Asks the cluster to reserve the group's bundles; returns at once. Use {@link
   * PlacementGroup#wait(int)} to wait until it is created.
   *
   * @throws IllegalArgumentException if the name is taken in the namespace
   */
  public static PlacementGroup createPlacementGroup(PlacementGroupCreationOptions options) {
    return Ray.internal().createPlacementGroup(Objects.requireNonNull(options, "options"));
  }

  /** @return the group, or null if none has this id */
  public static PlacementGroup getPlacementGroup(PlacementGroupId id) {
    return Ray.internal().getPlacementGroup(Objects.requireNonNull(id, "id"));
  }

  /** @return the group of that name in the current namespace, or null */
  public static PlacementGroup getPlacementGroup(String name) {
    return Ray.internal().getPlacementGroup(Objects.requireNonNull(name, "name"), null);
  }

  /** @return the group of that name in the namespace, or null */
  public static PlacementGroup getPlacementGroup(String name, String namespace) {
    return Ray.internal().getPlacementGroup(Objects.requireNonNull(name, "name"), namespace);
  }

  /**
   * The named group in any namespace (Ray's global groups; the first by name if several
   * namespaces hold one), or null.
   */
  public static PlacementGroup getGlobalPlacementGroup(String name) {
    Objects.requireNonNull(name, "name");
    PlacementGroup own = getPlacementGroup(name);
    if (own != null) {
      return own;
    }
    return getAllPlacementGroups().stream().filter(g -> name.equals(g.getName())).findFirst()
        .orElse(null);
  }

  public static List<PlacementGroup> getAllPlacementGroups() {
    return Ray.internal().getAllPlacementGroups();
  }

  /** Releases the group's reservations and ends the tasks and actors running in it. */
  public static void removePlacementGroup(PlacementGroupId id) {
    Ray.internal().removePlacementGroup(Objects.requireNonNull(id, "id"));
  }
}
