package dev.jray.api.options;

/** Whether an actor dies with the job that created it (the default) or outlives it. */
public enum ActorLifetime {
  DETACHED,
  NON_DETACHED
}
