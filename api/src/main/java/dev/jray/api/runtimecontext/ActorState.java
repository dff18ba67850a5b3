package dev.jray.api.runtimecontext;

/**
 * The state of an actor, with Ray's names and numbers (those of Ray's GCS protocol). jray's GCS
 * resolves an actor's arguments before it records the actor, so it never reports {@link
 * #DEPENDENCIES_UNREADY}.
 */
public enum ActorState {
  DEPENDENCIES_UNREADY("DEPENDENCIES_UNREADY", 0),
  PENDING_CREATION("PENDING_CREATION", 1),
  ALIVE("ALIVE", 2),
  RESTARTING("RESTARTING", 3),
  DEAD("DEAD", 4);

  private final String name;
  private final int value;

  ActorState(String name, int value) {
    this.name = name;
    this.value = value;
  }

  /** @throws IllegalArgumentException if no state has that number */
  public static ActorState fromValue(int value) {
    for (ActorState state : values()) {
      if (state.value == value) {
        return state;
      }
    }
    throw new IllegalArgumentException("no actor state has the value " + value);
  }

  public String getName() {
    return name;
  }

  public int getValue() {
    return value;
  }
}
