package dev.jray.api.call;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;
import dev.jray.api.options.CallOptions;

/** An actor method call returning a value, ready to submit. */
public class ActorTaskCaller<R> {
  private final ActorHandle<?> actor;
  private final RayFunc func;
  private final Object[] args;

  public ActorTaskCaller(ActorHandle<?> actor, RayFunc func, Object[] args) {
    this.actor = actor;
    this.func = func;
    this.args = args;
  }

  /**
   * Submits the call; returns at once with the ref of its result.
   *
   * @throws dev.jray.api.exception.PendingCallsLimitExceededException if the handle has
   *     {@code maxPendingCalls} calls in flight
   */
  @SuppressWarnings("unchecked")
  public ObjectRef<R> remote() {
    return (ObjectRef<R>) Ray.internal().callActor(actor, func, args, CallOptions.ACTOR_CALL);
  }
}
