package dev.jray.api.runtimecontext;

import dev.jray.api.id.UniqueId;
import java.util.Objects;

/** Where an actor runs: its node, the node's address and the port its node is reached on. */
public class Address implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public final UniqueId nodeId;
  public final String ip;
  public final int port;

  public Address(UniqueId nodeId, String ip, int port) {
    this.nodeId = nodeId;
    this.ip = ip;
    this.port = port;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (o == null || o.getClass() != getClass()) {
      return false;
    }
    Address other = (Address) o;
    return Objects.equals(nodeId, other.nodeId) && Objects.equals(ip, other.ip)
        && port == other.port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, ip, port);
  }

  @Override
  public String toString() {
    return "Address{nodeId=" + nodeId + ", ip=" + ip + ", port=" + port + "}";
  }
}
