package dev.jray.gcs;

import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.Map;

/**
 * A node in the GCS node table: where it is, what it has in total, where its object store
 * serves copies ({@code objectTransferPort}, 0 if it serves none) and where other nodes open
 * their direct links to it ({@code linkPort}, 0 if it is not in a cluster).
 *
 * @param role "head", "worker", "driver" (holds objects, runs no tasks), "worker-process" (runs
 *     what its node hands it) or "embedded"
 * @param host the node an attached process hangs off (a Hazelcast member that started it and
 *     speaks for it to the cluster), or null for a node that is a member itself; the process
 *     lives, as far as the cluster knows, while its record is alive and its host is a member
 * @param movable an attached process that moves to another host when its host dies (a driver
 *     started by hand): the cluster waits for it a grace period before it counts it dead, where a
 *     process that is not movable is gone with its host
 */
public record NodeRecord(UniqueId nodeId, String role, String address, String hostname,
    boolean alive, Map<String, Double> totalResources, int objectTransferPort, int linkPort,
    long startTimeMs, UniqueId host, boolean movable) implements Serializable {

  public NodeRecord {
    totalResources = Map.copyOf(totalResources);
  }

  /** A record that is not {@link #movable}. */
  public NodeRecord(UniqueId nodeId, String role, String address, String hostname, boolean alive,
      Map<String, Double> totalResources, int objectTransferPort, int linkPort, long startTimeMs,
      UniqueId host) {
    this(nodeId, role, address, hostname, alive, totalResources, objectTransferPort, linkPort,
        startTimeMs, host, false);
  }

  public NodeRecord dead() {
    return new NodeRecord(nodeId, role, address, hostname, false, totalResources,
        objectTransferPort, linkPort, startTimeMs, host, movable);
  }

  /** This attached process, now hanging off {@code newHost}, and {@link #movable}. */
  public NodeRecord movedTo(UniqueId newHost) {
    return new NodeRecord(nodeId, role, address, hostname, alive, totalResources,
        objectTransferPort, linkPort, startTimeMs, java.util.Objects.requireNonNull(newHost), true);
  }

  /** A node that runs tasks (not a driver, nor a node's worker process). */
  public boolean runsTasks() {
    return !"driver".equals(role) && !"worker-process".equals(role);
  }

  /** An attached process, not a member: the cluster hears of it through its {@link #host}. */
  public boolean attached() {
    return host != null;
  }
}
