package dev.jray.api.options;

import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of a placement group: its bundles, strategy, and optional name, namespace, minimum
 * bundle count (an elastic group) and lifetime.
 */
public final class PlacementGroupCreationOptions implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public final String name;
  /** Null: the job's namespace. */
  public final String namespace;
  /** Every bundle the group may hold: all of them, or for an elastic group its maximum. */
  public final List<Map<String, Double>> bundles;
  public final PlacementStrategy strategy;
  /**
   * How many bundles must be reserved for the group to be CREATED: {@code bundles.size()} unless
   * {@link Builder#setMinBundles} said fewer. Below {@code bundles.size()} the group is elastic:
   * CREATED with {@code minBundles} reserved, it grows toward {@code bundles.size()} as room
   * appears and shrinks (staying CREATED) while at least {@code minBundles} remain.
   */
  public final int minBundles;
  /**
   * {@link ActorLifetime#DETACHED}: the group outlives its job and is removed only by {@link
   * dev.jray.api.PlacementGroups#removePlacementGroup}; else (the default, also for null) it is
   * removed when its job ends.
   */
  public final ActorLifetime lifetime;

  /**
   * Ray's constructor: a group in the job's namespace.
   *
   * @param name null: unnamed
   * @throws IllegalArgumentException as {@link Builder#build()}
   */
  public PlacementGroupCreationOptions(String name, List<Map<String, Double>> bundles,
      PlacementStrategy strategy) {
    this(new Builder().setName(name).setBundles(bundles).setStrategy(strategy));
  }

  private PlacementGroupCreationOptions(Builder b) {
    if (b.bundles == null || b.bundles.isEmpty()) {
      throw new IllegalArgumentException("a placement group needs at least one bundle");
    }
    if (b.strategy == null || b.strategy == PlacementStrategy.UNRECOGNIZED) {
      throw new IllegalArgumentException("a placement group needs a strategy: PACK, SPREAD,"
          + " STRICT_PACK or STRICT_SPREAD, got " + b.strategy);
    }
    List<Map<String, Double>> copy = new ArrayList<>();
    for (int i = 0; i < b.bundles.size(); i++) {
      Map<String, Double> bundle = b.bundles.get(i);
      if (bundle == null || bundle.isEmpty()) {
        throw new IllegalArgumentException("bundle " + i + " is empty");
      }
      for (Map.Entry<String, Double> e : bundle.entrySet()) {
        Double v = e.getValue();
        if (v == null || !(v > 0)) {
          throw new IllegalArgumentException(
              "bundle " + i + ": resource " + e.getKey() + " must be > 0, got " + v);
        }
        BaseTaskOptions.validateResource(e.getKey(), v);
      }
      copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(bundle)));
    }
    this.name = b.name;
    this.namespace = b.namespace;
    this.bundles = Collections.unmodifiableList(copy);
    this.strategy = b.strategy;
    if (b.minBundles != null && (b.minBundles < 1 || b.minBundles > copy.size())) {
      throw new IllegalArgumentException("minBundles must be between 1 and the number of bundles ("
          + copy.size() + "), got " + b.minBundles);
    }
    this.minBundles = b.minBundles != null ? b.minBundles : copy.size();
    this.lifetime = b.lifetime != null ? b.lifetime : ActorLifetime.NON_DETACHED;
  }

  /** Whether the group may be CREATED with fewer than all its bundles ({@link #minBundles}). */
  public boolean isElastic() {
    return minBundles < bundles.size();
  }

  /** Whether the group outlives its job. */
  public boolean isDetached() {
    return lifetime == ActorLifetime.DETACHED;
  }

  public static class Builder {
    private String name;
    private String namespace;
    private List<Map<String, Double>> bundles;
    private PlacementStrategy strategy;
    private Integer minBundles;
    private ActorLifetime lifetime;

    public Builder setName(String name) {
      this.name = name;
      return this;
    }

    public Builder setNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** Every bundle of the group; for an elastic group ({@link #setMinBundles}) its most. */
    public Builder setBundles(List<Map<String, Double>> bundles) {
      this.bundles = bundles;
      return this;
    }

    public Builder setStrategy(PlacementStrategy strategy) {
      this.strategy = strategy;
      return this;
    }

    /**
     * Makes the group elastic when {@code minBundles} is below the number of bundles: it is
     * CREATED once that many are reserved (under its strategy), the placement service reserves
     * the others as nodes join or room frees (the autoscaler counts them as demand), and when a
     * node holding some dies it drops them and stays CREATED while at least {@code minBundles}
     * remain. Default: every bundle (not elastic).
     */
    public Builder setMinBundles(int minBundles) {
      this.minBundles = minBundles;
      return this;
    }

    /**
     * {@link ActorLifetime#DETACHED}: the group outlives the job that created it, as a detached
     * actor does, until {@link dev.jray.api.PlacementGroups#removePlacementGroup} removes it.
     * Default (and null): {@link ActorLifetime#NON_DETACHED}, removed when its job ends.
     */
    public Builder setLifetime(ActorLifetime lifetime) {
      this.lifetime = lifetime;
      return this;
    }

    /**
     * @throws IllegalArgumentException if there are no bundles, minBundles is not between 1 and
     *     the number of bundles, a value is not > 0, or no strategy
     *     (null or UNRECOGNIZED)
     */
    public PlacementGroupCreationOptions build() {
      return new PlacementGroupCreationOptions(this);
    }
  }
}
