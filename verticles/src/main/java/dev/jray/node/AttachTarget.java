package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The node a process attaches to ({@link AttachedNode}) and where its link listens, written
 * {@code NODE_ID_HEX@host:port}: what a node gives the drivers of the jobs it starts
 * ({@value #VARIABLE}), as a raylet's address is given to the workers it starts.
 */
public record AttachTarget(UniqueId node, ClusterAddress link) {
  /** Environment variable: the node a driver attaches to instead of joining the cluster. */
  public static final String VARIABLE = "JRAY_ATTACH";
  /** System property: the same, before the variable. */
  public static final String PROPERTY = "jray.attach";

  public AttachTarget {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(link, "link");
  }

  /**
   * @param source the setting it came from, for the error
   * @throws IllegalArgumentException naming {@code source} if {@code text} is not one
   */
  public static AttachTarget parse(String text, String source) {
    int at = text == null ? -1 : text.indexOf('@');
    if (at <= 0) {
      throw new IllegalArgumentException(source + " must be NODE_ID_HEX@HOST:PORT, got '" + text
          + "'");
    }
    UniqueId node;
    try {
      node = UniqueId.fromHexString(text.substring(0, at).trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": '" + text.substring(0, at)
          + "' is not a node id (hex)", e);
    }
    return new AttachTarget(node, ClusterAddress.parse(text.substring(at + 1).trim(), source));
  }

  /** The target {@value #PROPERTY} or {@value #VARIABLE} names; null if neither is set. */
  public static AttachTarget fromProcess() {
    String property = System.getProperty(PROPERTY);
    String text = property != null ? property : System.getenv(VARIABLE);
    if (text == null || text.isBlank()) {
      return null;
    }
    return parse(text, property != null ? "-D" + PROPERTY : VARIABLE);
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(link.host(), link.port());
  }

  @Override
  public String toString() {
    return node.toHex() + "@" + link;
  }
}
