package dev.jray.resources;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable amount of named resources, in fixed point (1/10000 units) so that 0.1 + 0.2 CPU
 * adds up exactly, as Ray's scheduler does. Amounts are never zero inside; an absent name is 0.
 */
public final class ResourceSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long UNIT = 10_000;
  public static final ResourceSet EMPTY = new ResourceSet(new String[0], new long[0]);
  public static final String CPU = "CPU";
  public static final String GPU = "GPU";
  public static final String MEMORY = "memory";
  public static final String OBJECT_STORE_MEMORY = "object_store_memory";

  /** Names in ascending order; the arrays are never modified, so sets may share them. */
  private final String[] names;
  private final long[] amounts;
  /** Sets are keys of the scheduler's queues: hashed once. */
  private transient int hash;

  private ResourceSet(String[] names, long[] amounts) {
    this.names = names;
    this.amounts = amounts;
  }

  public static ResourceSet of(Map<String, Double> resources) {
    TreeMap<String, Long> m = new TreeMap<>();
    resources.forEach((k, v) -> {
      long fixed = Math.round(v * UNIT);
      if (fixed != 0) {
        m.put(k, fixed);
      }
    });
    if (m.isEmpty()) {
      return EMPTY;
    }
    String[] n = m.keySet().toArray(new String[0]);
    long[] a = new long[n.length];
    for (int i = 0; i < n.length; i++) {
      a[i] = m.get(n[i]);
    }
    return new ResourceSet(n, a);
  }

  public static ResourceSet of(String name, double amount) {
    return of(Map.of(name, amount));
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  public double get(String name) {
    int i = Arrays.binarySearch(names, name);
    return i < 0 ? 0 : amounts[i] / (double) UNIT;
  }

  /** True if every amount here is at most the one in {@code other}. */
  public boolean fitsIn(ResourceSet other) {
    for (int i = 0; i < names.length; i++) {
      if (amounts[i] > other.fixed(names[i])) {
        return false;
      }
    }
    return true;
  }

  private long fixed(String name) {
    int i = Arrays.binarySearch(names, name);
    return i < 0 ? 0 : amounts[i];
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
    if (containsAllOf(other)) {
      // the hot path (a task's CPU against a node's resources): same names, one array copied
      long[] a = amounts.clone();
      boolean zero = false;
      for (int j = 0; j < other.names.length; j++) {
        int i = Arrays.binarySearch(names, other.names[j]);
        a[i] += sign * other.amounts[j];
        zero |= a[i] == 0;
      }
      return zero ? withoutZeros(names, a, a.length) : new ResourceSet(names, a);
    }
    // a merge of the two sorted name lists (e.g. CPU given back to a node that had none left)
    String[] n = new String[names.length + other.names.length];
    long[] a = new long[n.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < names.length || j < other.names.length) {
      int c = i == names.length ? 1 : j == other.names.length ? -1
          : names[i].compareTo(other.names[j]);
      n[k] = c <= 0 ? names[i] : other.names[j];
      a[k++] = (c <= 0 ? amounts[i++] : 0) + (c >= 0 ? sign * other.amounts[j++] : 0);
    }
    return withoutZeros(n, a, k);
  }

  private boolean containsAllOf(ResourceSet other) {
    if (other.names == names) {
      return true;
    }
    for (String n : other.names) {
      if (Arrays.binarySearch(names, n) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The set of the first {@code length} names and amounts, without the zero ones. */
  private static ResourceSet withoutZeros(String[] n, long[] a, int length) {
    int nonZero = 0;
    for (int i = 0; i < length; i++) {
      nonZero += a[i] != 0 ? 1 : 0;
    }
    if (nonZero == n.length) {
      return new ResourceSet(n, a);
    }
    if (nonZero == 0) {
      return EMPTY;
    }
    String[] n2 = new String[nonZero];
    long[] a2 = new long[nonZero];
    for (int i = 0, k = 0; i < length; i++) {
      if (a[i] != 0) {
        n2[k] = n[i];
        a2[k++] = a[i];
      }
    }
    return new ResourceSet(n2, a2);
  }

  /** Only the named resource of this set (e.g. the CPU a blocked task gives back). */
  public ResourceSet only(String name) {
    int i = Arrays.binarySearch(names, name);
    return i < 0 ? EMPTY : new ResourceSet(new String[] {name}, new long[] {amounts[i]});
  }

  /**
   * The largest amount of {@code name} and of the resources whose names start with {@code
   * prefix} (a placement group's renamed ones); 0 if none. Allocates nothing: read per task.
   */
  public double maxOf(String name, String prefix) {
    long max = 0;
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name) || names[i].startsWith(prefix)) {
        max = Math.max(max, amounts[i]);
      }
    }
    return max / (double) UNIT;
  }

  /** The names of the resources in this set. */
  public java.util.Set<String> names() {
    return Set.of(names);
  }

  public Map<String, Double> toMap() {
    Map<String, Double> m = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], amounts[i] / (double) UNIT);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceSet r && Arrays.equals(r.names, names)
        && Arrays.equals(r.amounts, amounts);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 31 * Arrays.hashCode(names) + Arrays.hashCode(amounts);
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
