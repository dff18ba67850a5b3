package dev.jray.api.placementgroup;

/** Lifecycle of a placement group. */
public enum PlacementGroupState {
  PENDING,
  CREATED,
  REMOVED,
  RESCHEDULING,
  UNRECOGNIZED
}
