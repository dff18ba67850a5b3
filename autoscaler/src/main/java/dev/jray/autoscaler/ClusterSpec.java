package dev.jray.autoscaler;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the autoscaler works within: the subset of Ray's cluster YAML that applies to jray, read
 * by {@link ClusterYaml}.
 *
 * @param clusterName {@code cluster_name}
 * @param maxWorkers {@code max_workers}: the most worker nodes of all types together
 * @param idleTimeout {@code idle_timeout_minutes}: a node idle this long is removed (above its
 *     type's {@code min_workers})
 * @param provider {@code provider}: its {@code type} ({@code local}, {@code kubernetes}) and the
 *     provider's own keys
 * @param nodeTypes {@code available_node_types}, in the YAML's order
 * @param headNodeType {@code head_node_type}: a key of {@code nodeTypes}; the head is not counted
 *     among the workers
 */
public record ClusterSpec(String clusterName, int maxWorkers, Duration idleTimeout,
    Map<String, Object> provider, Map<String, NodeType> nodeTypes, String headNodeType) {
  public ClusterSpec {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    provider = Map.copyOf(provider);
    nodeTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodeTypes));
    if (!nodeTypes.containsKey(headNodeType)) {
      throw new IllegalArgumentException("head_node_type: '" + headNodeType
          + "' is not a key of available_node_types " + nodeTypes.keySet());
    }
  }

  /** The provider's {@code type}. */
  public String providerType() {
    return String.valueOf(provider.get("type"));
  }
}
