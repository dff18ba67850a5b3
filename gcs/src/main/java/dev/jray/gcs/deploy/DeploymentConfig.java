package dev.jray.gcs.deploy;

import dev.jray.api.id.UniqueId;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A verticle's deployment config ({@code DeploymentOptions.setConfig}), read key by key with
 * defaults. Every error is an {@link IllegalArgumentException} naming the verticle, the key and
 * the value it got, so a deployment fails saying what to fix; a key the verticle does not know
 * (a typo) fails too.
 *
 * <p>Threading: immutable once built; read it on the deploying thread.
 */
public final class DeploymentConfig {
  private final String verticle;
  private final JsonObject json;

  private DeploymentConfig(String verticle, JsonObject json) {
    this.verticle = verticle;
    this.json = json;
  }

  /**
   * @param verticle the verticle's name, as errors should say it
   * @param json the config; null reads as empty
   * @param knownKeys every key the verticle reads
   * @throws IllegalArgumentException naming the first key not in {@code knownKeys}
   */
  public static DeploymentConfig of(String verticle, JsonObject json, Set<String> knownKeys) {
    JsonObject config = json != null ? json : new JsonObject();
    for (String key : new TreeSet<>(config.fieldNames())) {
      if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException(verticle + " config: unknown key '" + key
            + "' (known keys: " + String.join(", ", new TreeSet<>(knownKeys)) + ")");
      }
    }
    return new DeploymentConfig(verticle, config);
  }

  /** The value of {@code key}, a node id in hex; {@code fallback} if absent. */
  public UniqueId nodeId(String key, UniqueId fallback) {
    String hex = string(key, null);
    if (hex == null) {
      return fallback;
    }
    try {
      return UniqueId.fromHexString(hex);
    } catch (RuntimeException e) {
      throw bad(key, "must be a node id in hex", hex);
    }
  }

  /** The value of {@code key}, a node id in hex, which must be there. */
  public UniqueId requiredNodeId(String key) {
    if (!json.containsKey(key)) {
      throw new IllegalArgumentException(verticle + " config: key '" + key + "' is required");
    }
    return nodeId(key, null);
  }

  public String string(String key, String fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw bad(key, "must be a non-empty string", value);
    }
    return s;
  }

  public boolean bool(String key, boolean fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw bad(key, "must be true or false", value);
    }
    return b;
  }

  /** A whole number greater than zero. */
  public long positiveLong(String key, long fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
      throw bad(key, "must be a whole number above 0", value);
    }
    return n.longValue();
  }

  /** A TCP port, 0 for an ephemeral one. */
  public int port(String key, int fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 0
        || n.intValue() > 0xffff) {
      throw bad(key, "must be a port from 0 (any free one) to 65535", value);
    }
    return n.intValue();
  }

  /** A JSON object of resource names to amounts, none negative; {@code fallback} if absent. */
  public Map<String, Double> resources(String key, Map<String, Double> fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof JsonObject object)) {
      throw bad(key, "must be a JSON object of resource names to amounts", value);
    }
    Map<String, Double> resources = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object) {
      if (!(e.getValue() instanceof Number n) || n.doubleValue() < 0
          || !Double.isFinite(n.doubleValue())) {
        throw bad(key + "." + e.getKey(), "must be a number of at least 0", e.getValue());
      }
      resources.put(e.getKey(), n.doubleValue());
    }
    return resources;
  }

  private IllegalArgumentException bad(String key, String rule, Object value) {
    Objects.requireNonNull(key, "key");
    String shown = value instanceof String ? "'" + value + "'" : String.valueOf(value);
    return new IllegalArgumentException(verticle + " config: key '" + key + "' " + rule + ", got "
        + shown);
  }
}
