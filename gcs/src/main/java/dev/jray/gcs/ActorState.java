package dev.jray.gcs;

/** Lifecycle of an actor, as Ray's GCS tracks it. */
public enum ActorState {
  PENDING_CREATION,
  ALIVE,
  RESTARTING,
  DEAD
}
