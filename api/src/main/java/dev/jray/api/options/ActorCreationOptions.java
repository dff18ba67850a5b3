package dev.jray.api.options;

import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Options of an actor. Immutable; built with {@link Builder}. */
public final class ActorCreationOptions extends BaseTaskOptions {
  private static final long serialVersionUID = 1L;
  public static final int NO_RESTART = 0;
  public static final int INFINITE_RESTART = -1;

  public final String name;
  /** Null: the job's namespace. */
  public final String namespace;
  /**
   * Null: {@link ActorLifetime#NON_DETACHED}, as Ray's default: the actor dies with its job, named
   * or not, whatever the driver's namespace. Only {@link ActorLifetime#DETACHED} outlives it.
   */
  public final ActorLifetime lifetime;
  public final int maxRestarts;
  public final int maxTaskRetries;
  public final int maxConcurrency;
  /** -1: unlimited. */
  public final int maxPendingCalls;
  public final PlacementGroup group;
  public final int bundleIndex;
  public final List<String> jvmOptions;
  public final RuntimeEnv runtimeEnv;
  /** Groups of methods whose calls run beside the others', each with its own limit. */
  public final List<ConcurrencyGroup> concurrencyGroups;
  /**
   * Ray's async-actor flag, recorded only: jray runs every actor's calls on threads, so an async
   * actor runs as a threaded one (calls in parallel only up to {@link #maxConcurrency}).
   */
  public final boolean isAsync;

  private ActorCreationOptions(Builder b) {
    super(b.resources);
    this.name = b.name;
    this.namespace = b.namespace;
    this.lifetime = b.lifetime;
    this.maxRestarts = b.maxRestarts;
    this.maxTaskRetries = b.maxTaskRetries;
    this.maxConcurrency = b.maxConcurrency;
    this.maxPendingCalls = b.maxPendingCalls;
    this.group = b.group;
    this.bundleIndex = b.bundleIndex;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.runtimeEnv = b.runtimeEnv;
    this.concurrencyGroups = b.concurrencyGroups;
    this.isAsync = b.isAsync;
  }

  public static final class Builder {
    private String name;
    private String namespace;
    private ActorLifetime lifetime;
    private final Map<String, Double> resources = new HashMap<>();
    private int maxRestarts = NO_RESTART;
    private int maxTaskRetries = 0;
    private int maxConcurrency = 1;
    private int maxPendingCalls = -1;
    private PlacementGroup group;
    private int bundleIndex = -1;
    private List<String> jvmOptions = List.of();
    private RuntimeEnv runtimeEnv;
    private List<ConcurrencyGroup> concurrencyGroups = List.of();
    private boolean isAsync;

    public Builder setName(String name) {
      if (name != null && name.isEmpty()) {
        throw new IllegalArgumentException("actor name must not be empty");
      }
      this.name = name;
      return this;
    }

    public Builder setNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder setLifetime(ActorLifetime lifetime) {
      this.lifetime = lifetime;
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

    public Builder setMaxRestarts(int maxRestarts) {
      if (maxRestarts < INFINITE_RESTART) {
        throw new IllegalArgumentException("maxRestarts must be >= 0 or -1 (infinite), got " + maxRestarts);
      }
      this.maxRestarts = maxRestarts;
      return this;
    }

    public Builder setMaxTaskRetries(int maxTaskRetries) {
      if (maxTaskRetries < -1) {
        throw new IllegalArgumentException("maxTaskRetries must be >= 0 or -1 (infinite), got " + maxTaskRetries);
      }
      this.maxTaskRetries = maxTaskRetries;
      return this;
    }

    public Builder setMaxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency must be >= 1, got " + maxConcurrency);
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    public Builder setMaxPendingCalls(int maxPendingCalls) {
      if (maxPendingCalls < -1 || maxPendingCalls == 0) {
        throw new IllegalArgumentException("maxPendingCalls must be -1 (unlimited) or >= 1, got " + maxPendingCalls);
      }
      this.maxPendingCalls = maxPendingCalls;
      return this;
    }

    public Builder setPlacementGroup(PlacementGroup group, int bundleIndex) {
      validateBundleIndex(group, bundleIndex);
      this.group = group;
      this.bundleIndex = bundleIndex;
      return this;
    }

    public Builder setJvmOptions(List<String> jvmOptions) {
      if (jvmOptions == null) {
        throw new IllegalArgumentException("jvmOptions must not be null");
      }
      this.jvmOptions = List.copyOf(jvmOptions);
      return this;
    }

    public Builder setRuntimeEnv(RuntimeEnv runtimeEnv) {
      this.runtimeEnv = runtimeEnv;
      return this;
    }

    /** @throws IllegalArgumentException if a group is null or two groups have one name */
    public Builder setConcurrencyGroups(List<ConcurrencyGroup> concurrencyGroups) {
      if (concurrencyGroups == null) {
        throw new IllegalArgumentException("concurrencyGroups must not be null");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      for (ConcurrencyGroup g : concurrencyGroups) {
        if (g == null) {
          throw new IllegalArgumentException("concurrencyGroups must not hold null");
        }
        if (!names.add(g.getName())) {
          throw new IllegalArgumentException("two concurrency groups are named '" + g.getName() + "'");
        }
      }
      this.concurrencyGroups = List.copyOf(concurrencyGroups);
      return this;
    }

    /**
     * Ray's: marks the actor async. jray accepts it and runs the actor as a threaded one (see
     * {@link ActorCreationOptions#isAsync}); for calls in parallel, set {@link #setMaxConcurrency}.
     */
    public Builder setAsync(boolean isAsync) {
      this.isAsync = isAsync;
      return this;
    }

    public ActorCreationOptions build() {
      return new ActorCreationOptions(this);
    }
  }
}
