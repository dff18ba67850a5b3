package dev.jray.node.metrics;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each node serves its metrics: one GCS KV record per node, {@code metrics:<node id>} →
 * {@code host:port}, written when the node starts serving and removed when it stops (or, for a
 * node that died, by the head's {@link MetricsDiscovery}). A record read back is checked: at most
 * {@link #MAX_TARGET_CHARS} characters, a host without white space, quotes or commas, a port
 * 1 to 65535; anything else is skipped.
 *
 * <p>Threading: stateless; every method blocks on the GCS (never on an event loop).
 */
public final class MetricsEndpoints {
  /** The GCS KV key prefix of the records. */
  public static final String KEY_PREFIX = "metrics:";
  /** A host name is at most 253 characters; an IPv6 address in brackets, a colon and a port fit. */
  static final int MAX_TARGET_CHARS = 262;

  /** A node's endpoint. */
  public record Endpoint(UniqueId nodeId, String role, String target) {}

  private MetricsEndpoints() {}

  /** Records that {@code nodeId} serves its metrics at {@code target} ({@code host:port}). */
  public static void publish(Gcs gcs, UniqueId nodeId, String target) {
    if (!valid(target)) {
      throw new IllegalArgumentException("not a metrics target (host:port): " + target);
    }
    gcs.kv().put(KEY_PREFIX + nodeId.toHex(), target.getBytes(StandardCharsets.UTF_8));
  }

  /** Removes {@code nodeId}'s record, if any. */
  public static void remove(Gcs gcs, UniqueId nodeId) {
    gcs.kv().remove(KEY_PREFIX + nodeId.toHex());
  }

  /** Removes the records of the nodes the node table holds as dead (those a head missed). */
  public static void removeOfDeadNodes(Gcs gcs) {
    for (Map.Entry<UniqueId, NodeRecord> node : gcs.nodes().snapshot().entrySet()) {
      if (!node.getValue().alive()) {
        remove(gcs, node.getKey());
      }
    }
  }

  /** The endpoints of the live nodes that recorded a valid one, in the node table's order. */
  public static List<Endpoint> ofLiveNodes(Gcs gcs) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Map.Entry<UniqueId, NodeRecord> node : gcs.nodes().snapshot().entrySet()) {
      if (!node.getValue().alive()) {
        continue;
      }
      byte[] bytes = gcs.kv().get(KEY_PREFIX + node.getKey().toHex());
      if (bytes != null && bytes.length <= MAX_TARGET_CHARS) {
        String target = new String(bytes, StandardCharsets.UTF_8);
        if (valid(target)) {
          endpoints.add(new Endpoint(node.getKey(), node.getValue().role(), target));
        }
      }
    }
    return endpoints;
  }

  /** {@code host:port}, an IPv6 host in brackets. */
  static String target(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  static boolean valid(String target) {
    if (target == null || target.isEmpty() || target.length() > MAX_TARGET_CHARS) {
      return false;
    }
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c == '"' || c == ',' || c == '\\' || c == 0x7f) {
        return false;
      }
    }
    String port = target.substring(colon + 1);
    if (port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int p = Integer.parseInt(port);
    return p >= 1 && p <= 0xffff;
  }
}
