package dev.jray.api.options;

import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.HashMap;
import java.util.Map;

/** Options of a normal task or an actor call. Immutable; built with {@link Builder}. */
public final class CallOptions extends BaseTaskOptions {
  private static final long serialVersionUID = 1L;
  /** Default number of times a task is retried when its worker or node dies, as Ray's. */
  public static final int DEFAULT_MAX_RETRIES = 3;
  /** Options of an actor method call: retries follow the actor's {@code maxTaskRetries}. */
  public static final CallOptions ACTOR_CALL = new Builder().build();

  public final String name;
  /** Retries when the worker or node dies; -1 forever. Ignored for actor calls. */
  public final int maxRetries;
  public final PlacementGroup group;
  /** -1: any bundle of {@link #group}. */
  public final int bundleIndex;
  public final RuntimeEnv runtimeEnv;
  /** An actor call's concurrency group, instead of its method's; null: its method's. Ray's name. */
  public final String concurrencyGroupName;

  private CallOptions(Builder b) {
    super(b.resources);
    this.name = b.name;
    this.maxRetries = b.maxRetries;
    this.group = b.group;
    this.bundleIndex = b.bundleIndex;
    this.runtimeEnv = b.runtimeEnv;
    this.concurrencyGroupName = b.concurrencyGroupName;
  }

  public static final class Builder {
    private String name;
    private final Map<String, Double> resources = new HashMap<>();
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private PlacementGroup group;
    private int bundleIndex = -1;
    private RuntimeEnv runtimeEnv;
    private String concurrencyGroupName;

    public Builder setName(String name) {
      this.name = name;
      return this;
    }

    public Builder setResource(String name, Double value) {
      validateResource(name, value);
      resources.put(name, value);
      return this;
    }

    public Builder setResources(Map<String, Double> resources) {
      if (resources == null) {
        throw new IllegalArgumentException("resources must not be null");
      }
      resources.forEach(this::setResource);
      return this;
    }

    public Builder setMaxRetries(int maxRetries) {
      if (maxRetries < -1) {
        throw new IllegalArgumentException("maxRetries must be >= 0 (or -1 for infinite), got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder setPlacementGroup(PlacementGroup group, int bundleIndex) {
      validateBundleIndex(group, bundleIndex);
      this.group = group;
      this.bundleIndex = bundleIndex;
      return this;
    }

    public Builder setRuntimeEnv(RuntimeEnv runtimeEnv) {
      this.runtimeEnv = runtimeEnv;
      return this;
    }

    /** @throws IllegalArgumentException if the name is null or empty */
    public Builder setConcurrencyGroupName(String concurrencyGroupName) {
      if (concurrencyGroupName == null || concurrencyGroupName.isEmpty()) {
        throw new IllegalArgumentException("concurrencyGroupName must not be null or empty");
      }
      this.concurrencyGroupName = concurrencyGroupName;
      return this;
    }

    public CallOptions build() {
      return new CallOptions(this);
    }
  }
}
