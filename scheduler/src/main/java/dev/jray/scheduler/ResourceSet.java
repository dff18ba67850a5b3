package dev.jray.scheduler;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable amount of named resources, in fixed point (1/10000 units) so that 0.1 + 0.2 CPU
 * adds up exactly, as Ray's scheduler does. Amounts are never zero inside; an absent name is 0.
 */
public final class ResourceSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long UNIT = 10_000;
  public static final ResourceSet EMPTY = new ResourceSet(Map.of());
  public static final String CPU = "CPU";
  public static final String GPU = "GPU";
  public static final String MEMORY = "memory";
  public static final String OBJECT_STORE_MEMORY = "object_store_memory";

  private final Map<String, Long> amounts;

  private ResourceSet(Map<String, Long> amounts) {
    this.amounts = amounts;
  }

  public static ResourceSet of(Map<String, Double> resources) {
    Map<String, Long> m = new HashMap<>();
    resources.forEach((k, v) -> {
      long fixed = Math.round(v * UNIT);
      if (fixed != 0) {
        m.put(k, fixed);
      }
    });
    return m.isEmpty() ? EMPTY : new ResourceSet(Collections.unmodifiableMap(m));
  }

  public static ResourceSet of(String name, double amount) {
    return of(Map.of(name, amount));
  }

  public boolean isEmpty() {
    return amounts.isEmpty();
  }

  public double get(String name) {
    return amounts.getOrDefault(name, 0L) / (double) UNIT;
  }

  /** True if every amount here is at most the one in {@code other}. */
  public boolean fitsIn(ResourceSet other) {
    for (Map.Entry<String, Long> e : amounts.entrySet()) {
      if (e.getValue() > other.amounts.getOrDefault(e.getKey(), 0L)) {
        return false;
      }
    }
    return true;
  }

  public ResourceSet plus(ResourceSet other) {
    return combine(other, 1);
  }

  /** May go negative (an unblocked task re-acquires its CPU even when oversubscribed). */
  public ResourceSet minus(ResourceSet other) {
    return combine(other, -1);
  }

  private ResourceSet combine(ResourceSet other, int sign) {
    if (other.isEmpty()) {
      return this;
    }
    if (amounts.size() == 1 && other.amounts.size() == 1) {
      // the common case on the hot path, CPU only: no map to copy and merge into
      Map.Entry<String, Long> a = amounts.entrySet().iterator().next();
      Map.Entry<String, Long> b = other.amounts.entrySet().iterator().next();
      if (a.getKey().equals(b.getKey())) {
        long sum = a.getValue() + sign * b.getValue();
        return sum == 0 ? EMPTY : new ResourceSet(Map.of(a.getKey(), sum));
      }
    }
    Map<String, Long> m = new HashMap<>(amounts);
    other.amounts.forEach((k, v) -> m.merge(k, sign * v, (a, b) -> a + b == 0 ? null : a + b));
    return m.isEmpty() ? EMPTY : new ResourceSet(Collections.unmodifiableMap(m));
  }

  /** Only the named resource of this set (e.g. the CPU a blocked task gives back). */
  public ResourceSet only(String name) {
    Long v = amounts.get(name);
    return v == null ? EMPTY : new ResourceSet(Map.of(name, v));
  }

  /** The names of the resources in this set. */
  public java.util.Set<String> names() {
    return amounts.keySet();
  }

  public Map<String, Double> toMap() {
    Map<String, Double> m = new TreeMap<>();
    amounts.forEach((k, v) -> m.put(k, v / (double) UNIT));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceSet r && r.amounts.equals(amounts);
  }

  @Override
  public int hashCode() {
    return amounts.hashCode();
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
