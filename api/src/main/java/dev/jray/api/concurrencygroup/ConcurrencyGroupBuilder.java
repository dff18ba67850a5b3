package dev.jray.api.concurrencygroup;

import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ConcurrencyGroup}: its name, how many of its calls may run at once, and the
 * actor methods in it. Not thread-safe.
 *
 * <pre>{@code
 * ConcurrencyGroup io = new ConcurrencyGroupBuilder<Store>()
 *     .setName("io").setMaxConcurrency(2)
 *     .addMethod(Store::read).addMethod(Store::write).build();
 * ActorHandle<Store> store = Ray.actor(Store::new).setConcurrencyGroups(io).remote();
 * }</pre>
 */
public class ConcurrencyGroupBuilder<A> extends BaseConcurrencyGroupBuilder<A> {
  private String name;
  private int maxConcurrency = 1;
  private final List<RayFunc> methods = new ArrayList<>();

  public ConcurrencyGroupBuilder<A> setName(String name) {
    this.name = name;
    return this;
  }

  /** How many calls of the group may run at once; at least 1 (default 1). */
  public ConcurrencyGroupBuilder<A> setMaxConcurrency(int maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
    return this;
  }

  /**
   * @throws IllegalArgumentException if the name is empty, the limit below 1, or a method is
   *     not a method reference of the actor class
   */
  public ConcurrencyGroup build() {
    return Ray.internal().createConcurrencyGroup(name, maxConcurrency, List.copyOf(methods));
  }

  @Override
  protected ConcurrencyGroupBuilder<A> internalAddMethod(RayFunc method) {
    if (method == null) {
      throw new IllegalArgumentException("a concurrency group's method must not be null");
    }
    methods.add(method);
    return this;
  }
}
