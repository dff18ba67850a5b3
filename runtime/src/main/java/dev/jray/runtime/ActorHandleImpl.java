package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.id.ActorId;
import java.io.Serial;
import java.io.Serializable;

/** A handle to a Java actor: its id and the per-handle limit of calls in flight. */
final class ActorHandleImpl<A> implements ActorHandle<A>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final ActorId actorId;
  private final int maxPendingCalls;

  ActorHandleImpl(ActorId actorId, int maxPendingCalls) {
    this.actorId = actorId;
    this.maxPendingCalls = maxPendingCalls;
  }

  @Override
  public ActorId getId() {
    return actorId;
  }

  int maxPendingCalls() {
    return maxPendingCalls;
  }

  @Override
  public void kill(boolean noRestart) {
    CoreWorker.current().actors().killActor(actorId, noRestart);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActorHandleImpl<?> h && h.actorId.equals(actorId);
  }

  @Override
  public int hashCode() {
    return actorId.hashCode();
  }

  @Override
  public String toString() {
    return "ActorHandle(" + actorId + ")";
  }
}
