package dev.jray.scheduler;

import dev.jray.api.id.PlacementGroupId;
import dev.jray.gcs.time.Time;
import dev.jray.resources.ResourceSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The placement-group bundles a node holds, in their two phases: prepared (reserved, not yet
 * usable, on a lease) and committed (usable by the group's work). It keeps the books only; the
 * {@link ResourceScheduler} moves the resources between what is available and the bundles.
 *
 * <p>Threading: not thread-safe. Its one owner, {@link ResourceScheduler}, calls it under its lock.
 */
final class NodeBundles {
  record BundleKey(PlacementGroupId group, int index) {}

  private final Map<BundleKey, ResourceSet> prepared = new HashMap<>();
  /** When each prepared bundle was (last) prepared, on {@link #time}'s monotonic clock. */
  private final Map<BundleKey, Long> preparedAtNanos = new HashMap<>();
  private final Map<BundleKey, ResourceSet> committed = new HashMap<>();
  /** Reads the prepared bundles' lease clock. */
  private final Time time;

  NodeBundles(Time time) {
    this.time = time;
  }

  /**
   * Whether the bundle is prepared or committed here already; a prepared one gets a new lease
   * (prepared again, by a new leader).
   */
  boolean renewIfHeld(BundleKey key) {
    if (prepared.containsKey(key)) {
      preparedAtNanos.put(key, time.nanoseconds());
      return true;
    }
    return committed.containsKey(key);
  }

  void prepare(BundleKey key, ResourceSet bundle) {
    prepared.put(key, bundle);
    preparedAtNanos.put(key, time.nanoseconds());
  }

  /** Removes a prepared bundle; its resources, or null if it is not prepared here. */
  ResourceSet takePrepared(BundleKey key) {
    preparedAtNanos.remove(key);
    return prepared.remove(key);
  }

  void commit(BundleKey key, ResourceSet bundle) {
    committed.put(key, bundle);
  }

  boolean isCommitted(BundleKey key) {
    return committed.containsKey(key);
  }

  /** Removes a committed bundle; its resources, or null if it is not committed here. */
  ResourceSet takeCommitted(BundleKey key) {
    return committed.remove(key);
  }

  /** The prepared bundles whose lease ran out. */
  List<BundleKey> expired(Duration lease) {
    List<BundleKey> expired = new ArrayList<>();
    long now = time.nanoseconds();
    preparedAtNanos.forEach((key, at) -> {
      if (now - at >= lease.toNanos()) {
        expired.add(key);
      }
    });
    return expired;
  }

  /** The group's bundles held here, prepared or committed. */
  List<BundleKey> of(PlacementGroupId group) {
    return Stream.concat(prepared.keySet().stream(), committed.keySet().stream())
        .filter(k -> k.group().equals(group))
        .toList();
  }
}
