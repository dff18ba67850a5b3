package dev.jray.api.call;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;

/** An actor of class {@code A}, ready to create. */
public class ActorCreator<A> extends BaseActorCreator<ActorCreator<A>> {

  public ActorCreator(RayFunc func, Object[] args) {
    super(func, args);
  }

  /**
   * Creates the actor; returns at once with its handle (calls queue until it is up).
   *
   * @throws IllegalArgumentException if the name is already taken in the namespace
   */
  public ActorHandle<A> remote() {
    return Ray.internal().createActor(func, args, buildOptions());
  }
}
