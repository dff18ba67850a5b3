package dev.jray.api.placementgroup;

/** Lifecycle of a placement group, with Ray's numbers ({@link #value()}). */
public enum PlacementGroupState {
  PENDING(0),
  CREATED(1),
  REMOVED(2),
  RESCHEDULING(3),
  UNRECOGNIZED(-1);

  private final int value;

  PlacementGroupState(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
