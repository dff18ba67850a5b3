package dev.jray.api.runtimecontext;

import dev.jray.api.id.UniqueId;
import java.util.Map;

/** One node of the cluster as the GCS sees it. */
public final class NodeInfo {
  public final UniqueId nodeId;
  public final String nodeAddress;
  public final String nodeHostname;
  public final boolean isAlive;
  public final Map<String, Double> resources;

  public NodeInfo(UniqueId nodeId, String nodeAddress, String nodeHostname, boolean isAlive,
      Map<String, Double> resources) {
    this.nodeId = nodeId;
    this.nodeAddress = nodeAddress;
    this.nodeHostname = nodeHostname;
    this.isAlive = isAlive;
    this.resources = Map.copyOf(resources);
  }

  @Override
  public String toString() {
    return "NodeInfo{nodeId=" + nodeId + ", address=" + nodeAddress + ", alive=" + isAlive
        + ", resources=" + resources + "}";
  }
}
