package dev.jray.cluster;

import java.nio.file.Path;

/** A node of a {@link LocalCluster}: the JVM that printed its up line, and what that line said. */
public final class LocalNode {
  private final String label;
  private final ChildJvm jvm;
  private final String role;
  private final String nodeId;
  private final String address;
  private final String resources;

  LocalNode(String label, ChildJvm jvm, String role, String nodeId, String address,
      String resources) {
    this.label = label;
    this.jvm = jvm;
    this.role = role;
    this.nodeId = nodeId;
    this.address = address;
    this.resources = resources;
  }

  public String label() {
    return label;
  }

  /** The node id in hex, as {@code getCurrentNodeId().toHex()} gives it in tasks. */
  public String nodeId() {
    return nodeId;
  }

  public String role() {
    return role;
  }

  /** The cluster address the node printed (the head's address, for every node). */
  public String address() {
    return address;
  }

  public String resources() {
    return resources;
  }

  /** The {@code jray start --block} JVM (it hands over to a node JVM, its child). */
  public Process process() {
    return jvm.process();
  }

  public Path log() {
    return jvm.log();
  }

  public long pid() {
    return jvm.process().pid();
  }

  public boolean isAlive() {
    return jvm.process().isAlive();
  }

  @Override
  public String toString() {
    return label + "(" + role + " " + nodeId + ", pid " + pid() + ")";
  }
}
