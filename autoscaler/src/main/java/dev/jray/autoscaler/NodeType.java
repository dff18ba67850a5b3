package dev.jray.autoscaler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /**
   * The options of {@code jray start} that give a node exactly this type's resources: {@code
   * --num-cpus} always (0 when the type names none, as the planner counts it), then GPUs, memory,
   * object store and the custom resources where given.
   */
  public List<String> startOptions() {
    Map<String, Double> custom = new LinkedHashMap<>(resources);
    Double cpus = custom.remove("CPU");
    List<String> options = new ArrayList<>(List.of("--num-cpus", amount(cpus == null ? 0 : cpus)));
    Double gpus = custom.remove("GPU");
    if (gpus != null) {
      options.addAll(List.of("--num-gpus", amount(gpus)));
    }
    Double memory = custom.remove("memory");
    if (memory != null) {
      options.addAll(List.of("--memory", Long.toString(memory.longValue())));
    }
    Double store = custom.remove("object_store_memory");
    if (store != null) {
      options.addAll(List.of("--object-store-memory", Long.toString(store.longValue())));
    }
    if (!custom.isEmpty()) {
      StringBuilder json = new StringBuilder("{");
      custom.forEach((n, a) -> json.append(json.length() > 1 ? "," : "").append('"')
          .append(n.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":")
          .append(amount(a)));
      options.addAll(List.of("--resources", json.append('}').toString()));
    }
    return options;
  }

  /** A whole amount without its ".0", as a user writes it. */
  private static String amount(double a) {
    return a == Math.rint(a) ? Long.toString((long) a) : Double.toString(a);
  }

  /** Whether one node of this type, empty, holds {@code shape}. */
  public boolean fits(Map<String, Double> shape) {
    return Shapes.fits(shape, resources);
  }
}
