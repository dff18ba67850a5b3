package dev.jray.autoscaler;

import java.util.HashMap;
import java.util.Map;

/** Resource shapes (name to amount) as the planner adds and subtracts them. Stateless. */
final class Shapes {
  /** Amounts are fractions of a CPU or GPU at least this far apart; less is rounding. */
  private static final double EPSILON = 1e-9;

  private Shapes() {}

  static boolean fits(Map<String, Double> shape, Map<String, Double> room) {
    for (Map.Entry<String, Double> e : shape.entrySet()) {
      if (e.getValue() > room.getOrDefault(e.getKey(), 0.0) + EPSILON) {
        return false;
      }
    }
    return true;
  }

  /** {@code room} less {@code shape}, which fits it. */
  static Map<String, Double> minus(Map<String, Double> room, Map<String, Double> shape) {
    Map<String, Double> left = new HashMap<>(room);
    shape.forEach((name, amount) -> left.merge(name, -amount, Double::sum));
    return left;
  }

  static Map<String, Double> plus(Map<String, Double> a, Map<String, Double> b) {
    Map<String, Double> sum = new HashMap<>(a);
    b.forEach((name, amount) -> sum.merge(name, amount, Double::sum));
    return sum;
  }

  /** The sort key of first-fit decreasing: GPUs weigh most, then CPUs, then the rest. */
  static double size(Map<String, Double> shape) {
    double size = 0;
    for (Map.Entry<String, Double> e : shape.entrySet()) {
      size += switch (e.getKey()) {
        case "GPU" -> 1_000_000 * e.getValue();
        case "CPU" -> 1_000 * e.getValue();
        case "memory", "object_store_memory" -> e.getValue() / (1L << 30);
        default -> e.getValue();
      };
    }
    return size;
  }
}
