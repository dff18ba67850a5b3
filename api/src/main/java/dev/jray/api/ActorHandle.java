package dev.jray.api;

/**
 * A handle to a Java actor. Serializable: pass it to tasks and other actors. Calls made through
 * one handle run in submission order unless the actor has {@code maxConcurrency} above 1.
 *
 * @param <A> the actor's class
 */
public interface ActorHandle<A> extends BaseActorHandle, ActorCall<A> {}
