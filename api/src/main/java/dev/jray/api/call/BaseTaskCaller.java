package dev.jray.api.call;

import dev.jray.api.function.RayFunc;
import dev.jray.api.options.CallOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.Map;

/** Options of a normal task, set fluently before {@code remote()}. Not thread-safe. */
public abstract class BaseTaskCaller<T extends BaseTaskCaller<T>> {
  protected final RayFunc func;
  protected final Object[] args;
  private final CallOptions.Builder builder = new CallOptions.Builder();

  protected BaseTaskCaller(RayFunc func, Object[] args) {
    this.func = func;
    this.args = args;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  public T setName(String name) {
    builder.setName(name);
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

  /** Times the task is retried if its worker or node dies (default 3). */
  public T setMaxRetries(int maxRetries) {
    builder.setMaxRetries(maxRetries);
    return self();
  }

  public T setPlacementGroup(PlacementGroup group, int bundleIndex) {
    builder.setPlacementGroup(group, bundleIndex);
    return self();
  }

  /** Any bundle of the group. */
  public T setPlacementGroup(PlacementGroup group) {
    return setPlacementGroup(group, -1);
  }

  public T setRuntimeEnv(RuntimeEnv runtimeEnv) {
    builder.setRuntimeEnv(runtimeEnv);
    return self();
  }

  protected CallOptions buildOptions() {
    return builder.build();
  }
}
