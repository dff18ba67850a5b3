package dev.jray.gcs;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a pending demand's shape is named in a {@link NodeLoad}'s demands (and shown by {@code jray
 * status}): its resources as {@code {CPU=1.0, GPU=1.0}}, with {@code actor } before an actor's
 * creation. Read back by the autoscaler. Stateless.
 */
public final class DemandKey {
  private static final String ACTOR = "actor ";
  /** The most resources a shape names: more is not a key this class wrote. */
  private static final int MAX_RESOURCES = 256;

  private DemandKey() {}

  /** The key of a shape; its resources in name order. */
  public static String of(boolean actorCreation, Map<String, Double> resources) {
    return (actorCreation ? ACTOR : "") + new TreeMap<>(resources);
  }

  /**
   * The resources a key names.
   *
   * @throws IllegalArgumentException if it is not a key {@link #of} wrote (the message says why)
   */
  public static Map<String, Double> resources(String key) {
    String s = key.startsWith(ACTOR) ? key.substring(ACTOR.length()) : key;
    if (!s.startsWith("{") || !s.endsWith("}")) {
      throw new IllegalArgumentException("not a demand shape: " + key);
    }
    Map<String, Double> resources = new TreeMap<>();
    String body = s.substring(1, s.length() - 1);
    if (body.isEmpty()) {
      return resources;
    }
    for (String entry : body.split(", ")) {
      int eq = entry.lastIndexOf('=');
      if (eq <= 0 || resources.size() >= MAX_RESOURCES) {
        throw new IllegalArgumentException("not a demand shape: " + key);
      }
      try {
        double amount = Double.parseDouble(entry.substring(eq + 1));
        if (!Double.isFinite(amount) || amount < 0) {
          throw new NumberFormatException(entry);
        }
        resources.put(entry.substring(0, eq), amount);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a demand shape: " + key, e);
      }
    }
    return resources;
  }
}
