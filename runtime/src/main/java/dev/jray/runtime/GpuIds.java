package dev.jray.runtime;

import dev.jray.resources.ResourceSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of this node's GPUs each running task and live actor holds, as Ray assigns GPU ids: work
 * asking for n >= 1 GPUs gets n whole ones; work asking for a fraction gets a share of one GPU
 * with that much left (the one with the least left that fits, so whole GPUs stay whole). The
 * scheduler has already reserved the amount, so the ids are there; GPUs of a placement-group
 * bundle are drawn from the same pool.
 *
 * <p>Threading: thread-safe; every method holds this object's lock briefly.
 */
final class GpuIds {
  private static final double EPSILON = 1e-9;
  private static final String GROUP_GPU = ResourceSet.GPU + "_group_";

  /** What is left of each GPU, by id (1 when free). */
  private final double[] left;

  /** @param count the node's GPUs (its GPU resource, whole part) */
  GpuIds(int count) {
    left = new double[Math.max(0, count)];
    java.util.Arrays.fill(left, 1.0);
  }

  /** How many GPUs a resource shape asks for, in a placement group's bundle or not. */
  static double demand(ResourceSet shape) {
    return shape.maxOf(ResourceSet.GPU, GROUP_GPU);
  }

  /**
   * Takes GPUs for work asking for {@code amount} of them.
   *
   * @return their ids (empty for none, or if this node has too few left: the scheduler's count
   *     and this one disagree only for GPUs given as a custom resource without ids)
   */
  synchronized List<Long> acquire(double amount) {
    if (amount <= EPSILON) {
      return List.of();
    }
    List<Long> ids = new ArrayList<>();
    if (amount >= 1 - EPSILON) {
      int whole = (int) Math.round(Math.ceil(amount - EPSILON));
      for (int i = 0; i < left.length && ids.size() < whole; i++) {
        if (left[i] >= 1 - EPSILON) {
          ids.add((long) i);
        }
      }
      if (ids.size() < whole) {
        return List.of();
      }
      ids.forEach(i -> left[i.intValue()] = 0);
      return List.copyOf(ids);
    }
    int best = -1;
    for (int i = 0; i < left.length; i++) {
      if (left[i] + EPSILON >= amount && (best < 0 || left[i] < left[best])) {
        best = i;
      }
    }
    if (best < 0) {
      return List.of();
    }
    left[best] -= amount;
    return List.of((long) best);
  }

  /** Gives back what {@link #acquire} took for {@code amount}. */
  synchronized void release(List<Long> ids, double amount) {
    if (ids.isEmpty()) {
      return;
    }
    double each = amount >= 1 - EPSILON ? 1.0 : amount;
    for (long id : ids) {
      if (id >= left.length) {
        continue; // a worker process holds ids its node assigned: the node gives them back
      }
      left[(int) id] = Math.min(1.0, left[(int) id] + each);
    }
  }
}
