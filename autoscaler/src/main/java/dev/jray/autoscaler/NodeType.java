package dev.jray.autoscaler;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A kind of node the autoscaler may launch: an entry of the cluster YAML's {@code
 * available_node_types}, as Ray's.
 *
 * @param name its key in {@code available_node_types}
 * @param resources what one node of it offers ({@code resources}: CPU, GPU, memory, custom)
 * @param minWorkers nodes of it kept running even when idle ({@code min_workers})
 * @param maxWorkers the most nodes of it ({@code max_workers})
 * @param jvmOptions the node JVM's options ({@code jvm_options})
 */
public record NodeType(String name, Map<String, Double> resources, int minWorkers,
    int maxWorkers, List<String> jvmOptions) {
  public NodeType {
    Objects.requireNonNull(name, "name");
    resources = Map.copyOf(resources);
    jvmOptions = List.copyOf(jvmOptions);
    if (minWorkers < 0 || maxWorkers < minWorkers) {
      throw new IllegalArgumentException("node type " + name + ": min_workers " + minWorkers
          + " and max_workers " + maxWorkers + " must satisfy 0 <= min_workers <= max_workers");
    }
  }

  /** Whether one node of this type, empty, holds {@code shape}. */
  public boolean fits(Map<String, Double> shape) {
    return Shapes.fits(shape, resources);
  }
}
