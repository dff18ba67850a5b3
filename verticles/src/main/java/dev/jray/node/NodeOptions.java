package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.resources.ResourceSet;
import java.util.Map;
import java.util.Objects;

/**
 * What a node is started with.
 *
 * @param host the loopback or LAN address the node's services bind to
 * @param role "head", "worker", "driver" (runs no tasks), "worker-process" (runs its node's) or
 *     "embedded" (alone, not clustered)
 * @param resources the node's totals, including {@code object_store_memory}
 * @param token the cluster token the node proves to its peers and asks of them
 * @param tls mutual TLS on the node's event bus, link and transfer port; null: plain TCP
 * @param attachedTo the node an attached process (a worker process) hangs off, through whose link
 *     it reaches the cluster ({@link AttachedNode}); null for a cluster member or an embedded node
 * @param movable an attached process that moves to another member when its host dies (a driver
 *     started by hand); false for every other node
 */
public record NodeOptions(UniqueId nodeId, String host, String role, Map<String, Double> resources,
    ClusterToken token, TlsSettings tls, UniqueId attachedTo, boolean movable) {

  public static final String HEAD = "head";
  public static final String WORKER = "worker";
  public static final String DRIVER = "driver";
  public static final String EMBEDDED = "embedded";
  /** A JVM a node started to run its work in ({@link WorkerProcessPool}): holds no resources. */
  public static final String WORKER_PROCESS = "worker-process";

  public NodeOptions {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(role, "role");
    resources = Map.copyOf(resources);
    Objects.requireNonNull(token, "token");
  }

  /** Options of a process that is not {@link #movable}. */
  public NodeOptions(UniqueId nodeId, String host, String role, Map<String, Double> resources,
      ClusterToken token, TlsSettings tls, UniqueId attachedTo) {
    this(nodeId, host, role, resources, token, tls, attachedTo, false);
  }

  /** A cluster member's or an embedded node's options (attached to no node). */
  public NodeOptions(UniqueId nodeId, String host, String role, Map<String, Double> resources,
      ClusterToken token, TlsSettings tls) {
    this(nodeId, host, role, resources, token, tls, null);
  }

  /**
   * A node with a fresh id, the resources the system properties give, the token {@link
   * TokenSources} finds and the process's {@link TlsSettings}; an embedded node, alone, makes up
   * its own token and needs no TLS.
   *
   * @throws IllegalArgumentException if a clustered node finds no token, or bad TLS settings
   */
  public static NodeOptions fromSystemProperties(String host, String role) {
    boolean alone = EMBEDDED.equals(role);
    ClusterToken token = alone ? ClusterToken.generate() : TokenSources.ofProcess().require(null);
    return new NodeOptions(IdFactory.newUniqueId(), host, role, NodeResources.fromSystemProperties(),
        token, alone ? null : TlsSettings.ofProcess());
  }

  /** These options for a process attached to {@code host}, {@code movable} or not. */
  public NodeOptions attachedTo(UniqueId host, boolean movable) {
    return new NodeOptions(nodeId, this.host, role, resources, token, tls,
        Objects.requireNonNull(host, "host"), movable);
  }

  /** A driver holds objects but runs no tasks; a worker process runs only what its node hands it. */
  public boolean runsTasks() {
    return !DRIVER.equals(role) && !WORKER_PROCESS.equals(role);
  }

  /** Part of a cluster: talks to other nodes over the clustered event bus and, for object copies, TCP. */
  public boolean clustered() {
    return !EMBEDDED.equals(role);
  }

  public long objectStoreBytes() {
    return resources.getOrDefault(ResourceSet.OBJECT_STORE_MEMORY, 0.0).longValue();
  }
}
