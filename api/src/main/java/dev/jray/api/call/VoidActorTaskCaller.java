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

  public VoidActorTaskCaller(ActorHandle<?> actor, RayFunc func, Object[] args) {
    this.actor = actor;
    this.func = func;
    this.args = args;
  }

  /** Submits the call; returns at once. */
  public void remote() {
    Ray.internal().callActor(actor, func, args, CallOptions.ACTOR_CALL);
  }
}
