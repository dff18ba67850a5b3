package dev.jray.api.placementgroup;

/** How a placement group's bundles spread over nodes. */
public enum PlacementStrategy {
  /** As few nodes as possible; more if one cannot hold them all. */
  PACK,
  /** Different nodes where possible. */
  SPREAD,
  /** All bundles on one node, or the group stays pending. */
  STRICT_PACK,
  /** Every bundle on a different node, or the group stays pending. */
  STRICT_SPREAD
}
