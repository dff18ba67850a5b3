package dev.jray.api.runtimecontext;

import dev.jray.api.id.ActorId;

/** One actor as the GCS records it ({@link RuntimeContext#getAllActorInfo()}). */
public class ActorInfo implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public final ActorId actorId;
  public final ActorState state;
  /** How often it was restarted after a failure. */
  public final long numRestarts;
  /** Its node; for an actor not yet placed, a nil node id, an empty ip and port 0. */
  public final Address address;
  /** Its name; empty if it has none, as Ray's. */
  public final String name;

  public ActorInfo(ActorId actorId, ActorState state, long numRestarts, Address address,
      String name) {
    this.actorId = actorId;
    this.state = state;
    this.numRestarts = numRestarts;
    this.address = address;
    this.name = name;
  }

  @Override
  public String toString() {
    return "ActorInfo{actorId=" + actorId + ", state=" + state + ", numRestarts=" + numRestarts
        + ", address=" + address + ", name=" + name + "}";
  }
}
