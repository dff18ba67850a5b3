package dev.jray.gcs;

import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.Map;

/** A node in the GCS node table: where it is and what it has in total. */
public record NodeRecord(UniqueId nodeId, String address, String hostname, boolean alive,
    Map<String, Double> totalResources, long startTimeMs) implements Serializable {

  public NodeRecord {
    totalResources = Map.copyOf(totalResources);
  }

  public NodeRecord dead() {
    return new NodeRecord(nodeId, address, hostname, false, totalResources, startTimeMs);
  }
}
