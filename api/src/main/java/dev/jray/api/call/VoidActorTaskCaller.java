package dev.jray.api.call;

import dev.jray.api.ActorHandle;
import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;
import dev.jray.api.options.CallOptions;

/** An actor method call returning nothing, ready to submit. */
public class VoidActorTaskCaller {
  private final ActorHandle<?> actor;
  private final RayFunc func;
  private final Object[] args;
  private CallOptions options = CallOptions.ACTOR_CALL;

  public VoidActorTaskCaller(ActorHandle<?> actor, RayFunc func, Object[] args) {
    this.actor = actor;
    this.func = func;
    this.args = args;
  }

  /**
   * Runs the call in the actor's concurrency group of that name instead of its method's.
   *
   * @throws IllegalArgumentException if the name is null or empty; a name the actor does not
   *     have fails the call
   */
  public VoidActorTaskCaller setConcurrencyGroup(String name) {
    options = new CallOptions.Builder().setConcurrencyGroupName(name).build();
    return this;
  }

  /** Submits the call; returns at once. */
  public void remote() {
    Ray.internal().callActor(actor, func, args, options);
  }
}
