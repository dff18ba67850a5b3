package dev.jray.api.options;

import dev.jray.api.placementgroup.PlacementGroup;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Resource requests shared by task and actor options, validated as Ray validates them. */
public abstract class BaseTaskOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Resource name to amount; zero amounts are dropped. Never null. */
  public final Map<String, Double> resources;

  /** Ray's: no resources. */
  public BaseTaskOptions() {
    this(null);
  }

  /**
   * Ray's: the given resources, validated.
   *
   * @throws IllegalArgumentException as {@link #validateResource}
   */
  public BaseTaskOptions(Map<String, Double> resources) {
    Map<String, Double> copy = new HashMap<>();
    if (resources != null) {
      resources.forEach((name, value) -> {
        validateResource(name, value);
        if (value != 0.0) {
          copy.put(name, value);
        }
      });
    }
    this.resources = Collections.unmodifiableMap(copy);
  }

  /**
   * Checks a placement-group choice: a group, and a bundle index within it or -1 (any bundle).
   *
   * @throws IllegalArgumentException naming the index and the group's bundle count
   */
  public static void validateBundleIndex(PlacementGroup group, int bundleIndex) {
    if (group == null) {
      throw new IllegalArgumentException("placement group must not be null");
    }
    if (bundleIndex < -1 || bundleIndex >= group.getBundles().size()) {
      throw new IllegalArgumentException("bundle index " + bundleIndex
          + " is out of range: placement group " + group.getId() + " has "
          + group.getBundles().size() + " bundles");
    }
  }

  /**
   * Checks one resource request: a non-empty name, an amount that is at least 0 and a whole
   * number when it is 1 or more (0.5 CPU is fine, 3.5 is not).
   *
   * @throws IllegalArgumentException naming the resource and the value
   */
  public static void validateResource(String name, Double value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Resource name must be a non-empty string, got " + name);
    }
    if (value == null || value.isNaN() || value.isInfinite()) {
      throw new IllegalArgumentException("Resource " + name + " has no valid amount: " + value);
    }
    if (value < 0) {
      throw new IllegalArgumentException(
          "Resource " + name + " must be >= 0, got " + value);
    }
    if (value >= 1 && value % 1 != 0) {
      throw new IllegalArgumentException(
          "Resource " + name + " must be a whole number when >= 1, got " + value);
    }
  }
}
