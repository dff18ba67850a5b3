package dev.jray.runtime;

import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.task.ConcurrencyGroupSpec;
import dev.jray.task.FunctionDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A concurrency group as {@code ConcurrencyGroupBuilder.build()} makes it: its methods described
 * once, when built. Immutable.
 */
record ConcurrencyGroupImpl(String name, int maxConcurrency, List<FunctionDescriptor> methods)
    implements ConcurrencyGroup {

  ConcurrencyGroupImpl {
    methods = List.copyOf(methods);
  }

  /** @throws IllegalArgumentException naming what is wrong: the name, the limit, a method */
  static ConcurrencyGroupImpl of(String name, int maxConcurrency, List<RayFunc> methods,
      FunctionResolver functions) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a concurrency group needs a name (setName)");
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("concurrency group '" + name + "': maxConcurrency must"
          + " be >= 1, got " + maxConcurrency);
    }
    List<FunctionDescriptor> described = new ArrayList<>();
    for (RayFunc m : methods) {
      FunctionDescriptor d = functions.describe(m);
      if (d.isConstructor()) {
        throw new IllegalArgumentException("concurrency group '" + name + "': " + d
            + " is a constructor, not an actor method");
      }
      described.add(d);
    }
    return new ConcurrencyGroupImpl(name, maxConcurrency, described);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public int getMaxConcurrency() {
    return maxConcurrency;
  }

  /**
   * What an actor's creation task carries of its groups.
   *
   * @throws IllegalArgumentException if a group was not built by {@code ConcurrencyGroupBuilder}
   *     or a method is in two groups
   */
  static List<ConcurrencyGroupSpec> specs(List<ConcurrencyGroup> groups) {
    List<ConcurrencyGroupSpec> specs = new ArrayList<>();
    Map<String, String> groupOfMethod = new HashMap<>();
    for (ConcurrencyGroup g : groups) {
      if (!(g instanceof ConcurrencyGroupImpl impl)) {
        throw new IllegalArgumentException("concurrency group " + g + " was not built by"
            + " ConcurrencyGroupBuilder");
      }
      List<String> keys = new ArrayList<>();
      for (FunctionDescriptor d : impl.methods()) {
        String key = ConcurrencyGroupSpec.methodKey(d.methodName(), d.signature());
        String other = groupOfMethod.putIfAbsent(key, impl.name());
        if (other != null && !other.equals(impl.name())) {
          throw new IllegalArgumentException("method " + d + " is in two concurrency groups, '"
              + other + "' and '" + impl.name() + "'");
        }
        keys.add(key);
      }
      specs.add(new ConcurrencyGroupSpec(impl.name(), impl.maxConcurrency(), keys));
    }
    return specs;
  }
}
