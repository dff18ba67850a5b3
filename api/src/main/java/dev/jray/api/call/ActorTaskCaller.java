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
  private CallOptions options = CallOptions.ACTOR_CALL;

  public ActorTaskCaller(ActorHandle<?> actor, RayFunc func, Object[] args) {
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
  public ActorTaskCaller<R> setConcurrencyGroup(String name) {
    options = new CallOptions.Builder().setConcurrencyGroupName(name).build();
    return this;
  }

  /**
   * Submits the call; returns at once with the ref of its result.
   *
   * @throws dev.jray.api.exception.PendingCallsLimitExceededException if the handle has
   *     {@code maxPendingCalls} calls in flight
   */
  @SuppressWarnings("unchecked")
  public ObjectRef<R> remote() {
    return (ObjectRef<R>) Ray.internal().callActor(actor, func, args, options);
  }
}
