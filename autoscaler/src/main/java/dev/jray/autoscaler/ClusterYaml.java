package dev.jray.autoscaler;

import dev.jray.gcs.cluster.ClusterAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads Ray's cluster YAML ({@code ray up cluster.yaml}) into a {@link ClusterSpec}: {@code
 * cluster_name}, {@code max_workers}, {@code idle_timeout_minutes}, {@code provider}, {@code
 * available_node_types} (each with {@code resources}, {@code min_workers}, {@code max_workers},
 * {@code jvm_options}) and {@code head_node_type}. The {@code provider}'s {@code type} is {@code
 * local} (nodes as processes on the head's machine; no other key) or {@code kubernetes} (nodes as
 * pods: {@code image} and {@code head_service} required, {@code namespace}, {@code
 * service_account} and {@code token_secret} optional; see {@link #PROVIDER_KEYS}). Keys Ray has that do not apply to jray (auth,
 * docker, setup commands) are ignored; an unknown key or a bad value is an {@link
 * IllegalArgumentException} whose message starts with the key's path, as {@code
 * available_node_types.cpu.resources.CPU}.
 *
 * <p>Stateless; YAML is read with SnakeYAML's safe constructor (no types named in the file are
 * instantiated), and its aliases and size are bounded.
 */
public final class ClusterYaml {
  /** Ray's keys that jray reads past: they configure what jray does not do (SSH, Docker). */
  private static final Set<String> IGNORED = Set.of("upscaling_speed", "docker", "auth",
      "file_mounts", "cluster_synced_files", "rsync_exclude", "rsync_filter",
      "initialization_commands", "setup_commands", "head_setup_commands",
      "worker_setup_commands", "head_start_ray_commands", "worker_start_ray_commands");
  private static final Set<String> KNOWN = Set.of("cluster_name", "max_workers",
      "idle_timeout_minutes", "provider", "available_node_types", "head_node_type");
  private static final Set<String> NODE_TYPE_KEYS = Set.of("resources", "min_workers",
      "max_workers", "jvm_options", "node_config");
  /** The providers jray has and the keys of the {@code provider} section each takes. */
  public static final Map<String, Set<String>> PROVIDER_KEYS = Map.of(
      "local", Set.of("type"),
      "kubernetes", Set.of("type", "namespace", "image", "service_account", "head_service",
          "token_secret"));
  /** {@code provider.token_secret}'s default: the Secret whose {@code token} is the cluster's. */
  public static final String DEFAULT_TOKEN_SECRET = "jray-cluster-token";
  /** A cluster YAML is a page or two; more is not one. */
  private static final int MAX_CODE_POINTS = 1 << 20;

  private ClusterYaml() {}

  /** @throws IllegalArgumentException naming the key at fault */
  public static ClusterSpec parse(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(MAX_CODE_POINTS);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
    }
    Map<String, Object> top = map(root, "the cluster YAML");
    for (String key : top.keySet()) {
      if (!KNOWN.contains(key) && !IGNORED.contains(key)) {
        throw new IllegalArgumentException(key + ": not a key of the cluster YAML jray reads"
            + " (it reads " + new java.util.TreeSet<>(KNOWN) + ")");
      }
    }
    String name = string(top.getOrDefault("cluster_name", "default"), "cluster_name");
    int maxWorkers = count(top.getOrDefault("max_workers", 2), "max_workers");
    double idleMinutes = number(top.getOrDefault("idle_timeout_minutes", 5), "idle_timeout_minutes");
    Map<String, Object> provider = provider(map(required(top, "provider"), "provider"));
    Map<String, Object> typesYaml = map(required(top, "available_node_types"),
        "available_node_types");
    if (typesYaml.isEmpty()) {
      throw new IllegalArgumentException("available_node_types: names no node type");
    }
    Map<String, NodeType> types = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : typesYaml.entrySet()) {
      types.put(e.getKey(), nodeType(e.getKey(), e.getValue()));
    }
    String head = string(required(top, "head_node_type"), "head_node_type");
    // (ClusterSpec's own check names head_node_type)
    return new ClusterSpec(name, maxWorkers, Duration.ofMillis(Math.round(idleMinutes * 60_000)),
        provider, types, head);
  }

  /** The provider section, checked for its type's keys, with the defaults it leaves out. */
  private static Map<String, Object> provider(Map<String, Object> provider) {
    String type = string(required(provider, "provider.type", "type"), "provider.type");
    Set<String> keys = PROVIDER_KEYS.get(type);
    if (keys == null) {
      throw new IllegalArgumentException("provider.type: '" + type + "' is not a provider jray"
          + " has (it has " + new java.util.TreeSet<>(PROVIDER_KEYS.keySet()) + ")");
    }
    Map<String, Object> checked = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : provider.entrySet()) {
      if (!keys.contains(e.getKey())) {
        throw new IllegalArgumentException("provider." + e.getKey() + ": not a key of the " + type
            + " provider (it takes " + new java.util.TreeSet<>(keys) + ")");
      }
      checked.put(e.getKey(), string(e.getValue(), "provider." + e.getKey()));
    }
    if (type.equals("kubernetes")) {
      string(required(provider, "provider.image", "image"), "provider.image");
      String head = string(required(provider, "provider.head_service", "head_service"),
          "provider.head_service");
      // SERVICE[:PORT], the port 6379 when left out
      checked.put("head_service", ClusterAddress.parse(head, "provider.head_service").toString());
      checked.putIfAbsent("token_secret", DEFAULT_TOKEN_SECRET);
    }
    return checked;
  }

  private static NodeType nodeType(String name, Object yaml) {
    String path = "available_node_types." + name;
    Map<String, Object> type = map(yaml, path);
    for (String key : type.keySet()) {
      if (!NODE_TYPE_KEYS.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": not a key of a node type (it"
            + " takes " + new java.util.TreeSet<>(NODE_TYPE_KEYS) + ")");
      }
    }
    Map<String, Double> resources = new LinkedHashMap<>();
    for (Map.Entry<String, Object> r : map(type.getOrDefault("resources", Map.of()),
        path + ".resources").entrySet()) {
      double amount = number(r.getValue(), path + ".resources." + r.getKey());
      resources.put(r.getKey(), amount);
    }
    int min = count(type.getOrDefault("min_workers", 0), path + ".min_workers");
    int max = count(type.getOrDefault("max_workers", Math.max(min, 1)), path + ".max_workers");
    if (max < min) {
      throw new IllegalArgumentException(path + ".max_workers: " + max
          + " is below min_workers " + min);
    }
    List<String> jvm = new ArrayList<>();
    Object options = type.getOrDefault("jvm_options", List.of());
    if (!(options instanceof List<?> list)) {
      throw new IllegalArgumentException(path + ".jvm_options: must be a list of strings");
    }
    for (int i = 0; i < list.size(); i++) {
      jvm.add(string(list.get(i), path + ".jvm_options[" + i + "]"));
    }
    return new NodeType(name, resources, min, max, jvm);
  }

  private static Object required(Map<String, Object> map, String key) {
    return required(map, key, key);
  }

  private static Object required(Map<String, Object> map, String path, String key) {
    Object value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException(path + ": missing");
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String path) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(path + ": must be a mapping, got " + describe(value));
    }
    for (Object key : m.keySet()) {
      if (!(key instanceof String)) {
        throw new IllegalArgumentException(path + ": key " + key + " is not a string");
      }
    }
    return (Map<String, Object>) m;
  }

  private static String string(Object value, String path) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(path + ": must be a non-empty string, got "
          + describe(value));
    }
    return s;
  }

  private static double number(Object value, String path) {
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      throw new IllegalArgumentException(path + ": must be a non-negative number, got "
          + describe(value));
    }
    return n.doubleValue();
  }

  private static int count(Object value, String path) {
    if (!(value instanceof Integer n) || n < 0) {
      throw new IllegalArgumentException(path + ": must be a non-negative whole number, got "
          + describe(value));
    }
    return n;
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
