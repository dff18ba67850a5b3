package dev.jray.api;

import dev.jray.api.id.ActorId;

/** What every actor handle has, whatever the actor's language. */
public interface BaseActorHandle {

  ActorId getId();

  /** Kills the actor without restarting it; pending and later calls fail. */
  default void kill() {
    kill(true);
  }

  /**
   * Kills the actor. Calls in flight and later calls fail with {@link
   * dev.jray.api.exception.RayActorException}, unless it restarts.
   *
   * @param noRestart if false and the actor has restarts left, it is restarted
   */
  void kill(boolean noRestart);
}
