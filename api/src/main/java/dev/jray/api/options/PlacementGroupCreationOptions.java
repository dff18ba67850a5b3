package dev.jray.api.options;

import dev.jray.api.placementgroup.PlacementStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of a placement group: its bundles, strategy, and optional name and namespace. */
public final class PlacementGroupCreationOptions implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public final String name;
  /** Null: the job's namespace. */
  public final String namespace;
  public final List<Map<String, Double>> bundles;
  public final PlacementStrategy strategy;

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
  }

  public static class Builder {
    private String name;
    private String namespace;
    private List<Map<String, Double>> bundles;
    private PlacementStrategy strategy;

    public Builder setName(String name) {
      this.name = name;
      return this;
    }

    public Builder setNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder setBundles(List<Map<String, Double>> bundles) {
      this.bundles = bundles;
      return this;
    }

    public Builder setStrategy(PlacementStrategy strategy) {
      this.strategy = strategy;
      return this;
    }

    /**
     * @throws IllegalArgumentException if there are no bundles, a value is not > 0, or no strategy
     *     (null or UNRECOGNIZED)
     */
    public PlacementGroupCreationOptions build() {
      return new PlacementGroupCreationOptions(this);
    }
  }
}
