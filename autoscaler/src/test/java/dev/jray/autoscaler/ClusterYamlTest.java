package dev.jray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterYamlTest {
  static final String YAML = """
      cluster_name: demo
      max_workers: 3
      idle_timeout_minutes: 0.5
      provider:
        type: local
      setup_commands: [echo ignored]
      available_node_types:
        head:
          resources: {CPU: 2}
          min_workers: 0
          max_workers: 0
        cpu_worker:
          resources: {CPU: 1, memory: 1073741824}
          min_workers: 1
          max_workers: 3
          jvm_options: ["-Xmx512m"]
        gpu_worker:
          resources: {CPU: 4, GPU: 1}
          max_workers: 1
      head_node_type: head
      """;

  @Test
  void readsRaysKeys() {
    ClusterSpec spec = ClusterYaml.parse(YAML);
    assertEquals("demo", spec.clusterName());
    assertEquals(3, spec.maxWorkers());
    assertEquals(Duration.ofSeconds(30), spec.idleTimeout());
    assertEquals("local", spec.providerType());
    assertEquals(List.of("head", "cpu_worker", "gpu_worker"), List.copyOf(spec.nodeTypes().keySet()));
    NodeType cpu = spec.nodeTypes().get("cpu_worker");
    assertEquals(Map.of("CPU", 1.0, "memory", 1073741824.0), cpu.resources());
    assertEquals(1, cpu.minWorkers());
    assertEquals(3, cpu.maxWorkers());
    assertEquals(List.of("-Xmx512m"), cpu.jvmOptions());
    assertEquals(1, spec.nodeTypes().get("gpu_worker").maxWorkers());
    assertEquals("head", spec.headNodeType());
  }

  private static String error(String yaml) {
    return assertThrows(IllegalArgumentException.class, () -> ClusterYaml.parse(yaml)).getMessage();
  }

  @Test
  void aBadValueIsNamedByItsKeyPath() {
    assertTrue(error(YAML.replace("{CPU: 1, memory", "{CPU: x, memory"))
        .startsWith("available_node_types.cpu_worker.resources.CPU: must be a non-negative number"),
        error(YAML.replace("{CPU: 1, memory", "{CPU: x, memory")));
    assertTrue(error(YAML.replace("max_workers: 3\nidle", "max_workers: -1\nidle"))
        .startsWith("max_workers:"));
    assertTrue(error(YAML.replace("min_workers: 1\n    max_workers: 3",
        "min_workers: 4\n    max_workers: 3")).startsWith("available_node_types.cpu_worker.max_workers:"));
    assertTrue(error(YAML.replace("head_node_type: head", "head_node_type: nope"))
        .startsWith("head_node_type: 'nope' is not a key"));
    assertTrue(error(YAML.replace("jvm_options: [\"-Xmx512m\"]", "jvm_options: -Xmx512m"))
        .startsWith("available_node_types.cpu_worker.jvm_options:"));
    assertTrue(error(YAML.replace("  type: local", "  kind: local")).startsWith("provider.type: missing"));
    assertTrue(error(YAML + "colour: blue\n").startsWith("colour: not a key"));
    assertTrue(error(YAML.replace("    max_workers: 1\nhead", "    max_workers: 1\n    disk: 3\nhead"))
        .startsWith("available_node_types.gpu_worker.disk: not a key"));
    assertTrue(error("- a list").startsWith("the cluster YAML: must be a mapping"));
    assertTrue(error("a: [").startsWith("not YAML"));
  }

  private static final String KUBERNETES = YAML.replace("  type: local\n", """
        provider:
          type: kubernetes
          namespace: ml
          image: registry.example/jray:0.1
          service_account: jray
          head_service: jray-head
        """.replace("provider:\n", ""));

  @Test
  void theKubernetesProviderTakesItsKeysWithDefaults() {
    ClusterSpec spec = ClusterYaml.parse(KUBERNETES);
    assertEquals("kubernetes", spec.providerType());
    assertEquals(Map.of("type", "kubernetes", "namespace", "ml", "image",
        "registry.example/jray:0.1", "service_account", "jray", "head_service", "jray-head:6379",
        "token_secret", ClusterYaml.DEFAULT_TOKEN_SECRET), spec.provider());
  }

  @Test
  void aBadProviderKeyIsNamed() {
    assertTrue(error(YAML.replace("type: local", "type: aws"))
        .startsWith("provider.type: 'aws' is not a provider jray has"));
    assertTrue(error(YAML.replace("type: local", "type: local\n  image: x"))
        .startsWith("provider.image: not a key of the local provider"));
    assertTrue(error(KUBERNETES.replace("  image: registry.example/jray:0.1\n", ""))
        .startsWith("provider.image: missing"));
    assertTrue(error(KUBERNETES.replace("  head_service: jray-head", "  head_service: a:b:c"))
        .startsWith("provider.head_service: "), error(KUBERNETES.replace("  head_service:"
        + " jray-head", "  head_service: a:b:c")));
    assertTrue(error(KUBERNETES.replace("namespace: ml", "namespace: [ml]"))
        .startsWith("provider.namespace: must be a non-empty string"));
    assertTrue(error(KUBERNETES.replace("namespace: ml", "zone: a"))
        .startsWith("provider.zone: not a key of the kubernetes provider"));
  }

  @Test
  void typesAreNotInstantiatedFromTheFile() {
    assertTrue(error("!!java.io.File [x]").startsWith("not YAML"));
  }
}
