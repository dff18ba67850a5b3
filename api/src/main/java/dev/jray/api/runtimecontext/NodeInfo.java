package dev.jray.api.runtimecontext;

import dev.jray.api.id.UniqueId;
import java.util.Map;

/** One node of the cluster as the GCS sees it, with Ray's fields. */
public final class NodeInfo implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public final UniqueId nodeId;
  public final String nodeAddress;
  public final String nodeHostname;
  /** The port other nodes reach this node on (jray's node-to-node link port; 0 outside a cluster). */
  public final int nodeManagerPort;
  /** Ray's plasma socket; jray's store has no socket (copies move over TCP), so it is empty. */
  public final String objectStoreSocketName;
  /** Ray's raylet socket; a jray node is reached over TCP only, so it is empty. */
  public final String rayletSocketName;
  public final boolean isAlive;
  public final Map<String, Double> resources;
  /** The node's labels; empty if it has none. */
  public final Map<String, String> labels;

  public NodeInfo(UniqueId nodeId, String nodeAddress, String nodeHostname, int nodeManagerPort,
      String objectStoreSocketName, String rayletSocketName, boolean isAlive,
      Map<String, Double> resources, Map<String, String> labels) {
    this.nodeId = nodeId;
    this.nodeAddress = nodeAddress;
    this.nodeHostname = nodeHostname;
    this.nodeManagerPort = nodeManagerPort;
    this.objectStoreSocketName = objectStoreSocketName;
    this.rayletSocketName = rayletSocketName;
    this.isAlive = isAlive;
    this.resources = Map.copyOf(resources);
    this.labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public NodeInfo(UniqueId nodeId, String nodeAddress, String nodeHostname, int nodeManagerPort,
      String objectStoreSocketName, String rayletSocketName, boolean isAlive,
      Map<String, Double> resources) {
    this(nodeId, nodeAddress, nodeHostname, nodeManagerPort, objectStoreSocketName,
        rayletSocketName, isAlive, resources, Map.of());
  }

  public NodeInfo(UniqueId nodeId, String nodeAddress, String nodeHostname, boolean isAlive,
      Map<String, Double> resources) {
    this(nodeId, nodeAddress, nodeHostname, 0, "", "", isAlive, resources, Map.of());
  }

  @Override
  public String toString() {
    return "NodeInfo{nodeId=" + nodeId + ", address=" + nodeAddress + ", alive=" + isAlive
        + ", resources=" + resources + ", labels=" + labels + "}";
  }
}
