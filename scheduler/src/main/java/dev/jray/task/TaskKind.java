package dev.jray.task;


/** What a task does. */
public enum TaskKind {
  /** A stateless function call. */
  NORMAL,
  /** Creates an actor; holds its resources for the actor's lifetime. */
  ACTOR_CREATION,
  /** A method call on a live actor; goes straight to the actor, not through a scheduler. */
  ACTOR_TASK
}
