package dev.jray.api.call;

import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.ActorLifetime;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.List;
import java.util.Map;

/** Options of an actor, set fluently before {@code remote()}. Not thread-safe. */
public abstract class BaseActorCreator<T extends BaseActorCreator<T>> {
  protected final RayFunc func;
  protected final Object[] args;
  private final ActorCreationOptions.Builder builder = new ActorCreationOptions.Builder();

  protected BaseActorCreator(RayFunc func, Object[] args) {
    this.func = func;
    this.args = args;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** A name unique in the namespace, for {@code Ray.getActor}. */
  public T setName(String name) {
    builder.setName(name);
    return self();
  }

  /** Ray's: a name unique in {@code namespace} (null: the job's), for {@code Ray.getActor}. */
  public T setName(String name, String namespace) {
    builder.setName(name);
    builder.setNamespace(namespace);
    return self();
  }

  public T setNamespace(String namespace) {
    builder.setNamespace(namespace);
    return self();
  }

  public T setLifetime(ActorLifetime lifetime) {
    builder.setLifetime(lifetime);
    return self();
  }

  /** @throws IllegalArgumentException if the value is negative, or not whole when >= 1 */
  public T setResource(String name, Double value) {
    builder.setResource(name, value);
    return self();
  }

  public T setResources(Map<String, Double> resources) {
    builder.setResources(resources);
    return self();
  }

  /** Times the actor is restarted when its worker or node dies; -1 forever (default 0). */
  public T setMaxRestarts(int maxRestarts) {
    builder.setMaxRestarts(maxRestarts);
    return self();
  }

  public T setMaxTaskRetries(int maxTaskRetries) {
    builder.setMaxTaskRetries(maxTaskRetries);
    return self();
  }

  /** Calls run in parallel up to this many; above 1, their order is not kept. */
  public T setMaxConcurrency(int maxConcurrency) {
    builder.setMaxConcurrency(maxConcurrency);
    return self();
  }

  /** Calls in flight per handle before {@code remote()} throws; -1 unlimited. */
  public T setMaxPendingCalls(int maxPendingCalls) {
    builder.setMaxPendingCalls(maxPendingCalls);
    return self();
  }

  public T setPlacementGroup(PlacementGroup group, int bundleIndex) {
    builder.setPlacementGroup(group, bundleIndex);
    return self();
  }

  public T setPlacementGroup(PlacementGroup group) {
    return setPlacementGroup(group, -1);
  }

  /** Runs the actor in its own JVM with these options. */
  public T setJvmOptions(List<String> jvmOptions) {
    builder.setJvmOptions(jvmOptions);
    return self();
  }

  /**
   * The actor's concurrency groups: each runs its methods' calls up to its own limit, beside
   * the other groups' calls; the methods in none share the actor's {@code maxConcurrency}.
   *
   * @throws IllegalArgumentException if two groups have one name
   */
  public T setConcurrencyGroups(ConcurrencyGroup... groups) {
    builder.setConcurrencyGroups(List.of(groups));
    return self();
  }

  public T setRuntimeEnv(RuntimeEnv runtimeEnv) {
    builder.setRuntimeEnv(runtimeEnv);
    return self();
  }

  protected ActorCreationOptions buildOptions() {
    return builder.build();
  }
}
