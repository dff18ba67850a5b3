package dev.jray.autoscaler;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What waits for room: the pending work the autoscaler launches nodes for. */
public sealed interface Demand {
  /**
   * {@code count} tasks or actors of one resource shape that no node has room for now (the
   * demands {@code jray status} shows).
   */
  record Shape(Map<String, Double> resources, int count) implements Demand {
    public Shape {
      resources = Map.copyOf(resources);
      if (count < 1) {
        throw new IllegalArgumentException("count must be positive, got " + count);
      }
    }
  }

  /**
   * The bundles of a placement group not reserved yet.
   *
   * @param strategy one of Ray's: PACK, SPREAD, STRICT_PACK, STRICT_SPREAD
   * @param holders nodes that hold bundles of the group already (STRICT_SPREAD needs others)
   */
  record Group(String groupId, String strategy, List<Map<String, Double>> bundles,
      Set<String> holders) implements Demand {
    public Group {
      Objects.requireNonNull(groupId, "groupId");
      if (!Set.of("PACK", "SPREAD", "STRICT_PACK", "STRICT_SPREAD").contains(strategy)) {
        throw new IllegalArgumentException("strategy must be PACK, SPREAD, STRICT_PACK or"
            + " STRICT_SPREAD, got " + strategy);
      }
      bundles = bundles.stream().map(Map::copyOf).toList();
      holders = Set.copyOf(holders);
    }
  }
}
