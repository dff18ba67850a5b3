package dev.jray.resources;

import dev.jray.api.id.PlacementGroupId;
import java.util.HashMap;
import java.util.Map;

/**
 * How a placement-group bundle shows in a node's resources, as in Ray: a committed bundle {@code
 * i} of group {@code g} adds {@code <name>_group_<i>_<g>} and {@code <name>_group_<g>} for each
 * of its resources, plus the markers {@code bundle_group_<i>_<g>} and {@code bundle_group_<g>}.
 * Work in the group asks for the renamed resources (and a sliver of a marker, so that even work
 * asking for nothing lands on a node holding the bundle), so it can use only what the bundle
 * reserved, and nothing else can. Stateless.
 */
public final class BundleResources {
  private static final String GROUP = "_group_";
  private static final String MARKER = "bundle";
  /** What a committed bundle offers of its marker, and what one task asks of it. */
  private static final double MARKER_CAPACITY = 1000;
  private static final double MARKER_DEMAND = 0.001;

  private BundleResources() {}

  /** What a committed bundle adds to its node's total and available resources. */
  public static ResourceSet committed(PlacementGroupId group, int index, ResourceSet bundle) {
    Map<String, Double> m = new HashMap<>();
    bundle.toMap().forEach((name, amount) -> {
      m.put(indexed(name, index, group), amount);
      m.put(wildcard(name, group), amount);
    });
    m.put(indexed(MARKER, index, group), MARKER_CAPACITY);
    m.put(wildcard(MARKER, group), MARKER_CAPACITY);
    return ResourceSet.of(m);
  }

  /**
   * What work asking for {@code resources} in the group asks of the scheduler.
   *
   * @param index a bundle index, or -1 for any bundle
   */
  public static ResourceSet demand(PlacementGroupId group, int index, ResourceSet resources) {
    Map<String, Double> m = new HashMap<>();
    resources.toMap().forEach((name, amount) -> {
      m.put(wildcard(name, group), amount);
      if (index >= 0) {
        m.put(indexed(name, index, group), amount);
      }
    });
    m.put(index >= 0 ? indexed(MARKER, index, group) : wildcard(MARKER, group), MARKER_DEMAND);
    return ResourceSet.of(m);
  }

  /** Whether a resource shape asks for resources of {@code group}. */
  public static boolean belongsTo(ResourceSet shape, PlacementGroupId group) {
    String suffix = "_" + group.toHex();
    for (String name : shape.names()) {
      if (name.contains(GROUP) && name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a resource name is a bundle's renamed resource (status hides these). */
  public static boolean isBundleResource(String name) {
    return name.contains(GROUP);
  }

  /** Whether a resource shape asks for the resources of any placement group (per task: no stream). */
  public static boolean inAnyGroup(ResourceSet shape) {
    for (String name : shape.names()) {
      if (isBundleResource(name)) {
        return true;
      }
    }
    return false;
  }

  private static String indexed(String name, int index, PlacementGroupId group) {
    return name + GROUP + index + "_" + group.toHex();
  }

  private static String wildcard(String name, PlacementGroupId group) {
    return name + GROUP + group.toHex();
  }
}
