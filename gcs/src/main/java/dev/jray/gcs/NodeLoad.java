package dev.jray.gcs;

import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.Map;

/**
 * A node's latest load, written to the GCS about once a second for {@code jray status} (never
 * read on the hot path): resources in use, pending demands by shape, object store usage.
 */
public record NodeLoad(UniqueId nodeId, Map<String, Double> total, Map<String, Double> available,
    Map<String, Integer> demands, long storeUsedBytes, long storeCapacityBytes, int storeObjects,
    long atMs) implements Serializable {}
