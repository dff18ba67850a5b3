package dev.jray.api.placementgroup;

/** How a placement group's bundles spread over nodes, with Ray's numbers ({@link #value()}). */
public enum PlacementStrategy {
  /** As few nodes as possible; more if one cannot hold them all. */
  PACK(0),
  /** Different nodes where possible. */
  SPREAD(1),
  /** All bundles on one node, or the group stays pending. */
  STRICT_PACK(2),
  /** Every bundle on a different node, or the group stays pending. */
  STRICT_SPREAD(3),
  /** Ray's value for a strategy it could not read; no group can be created with it. */
  UNRECOGNIZED(-1);

  private final int value;

  PlacementStrategy(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
