package dev.jray.client;

import dev.jray.api.ActorHandle;
import dev.jray.api.id.ActorId;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * An actor handle held by a Ray Client: the handle the client numbered its creation by (or 0 for
 * one it looked up), and the actor's id once the driver knows it. It crosses the wire as a {@link
 * WireObjects.ActorToken}.
 *
 * <p>Thread-safe.
 */
final class ClientActorHandle<A> implements ActorHandle<A>, Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final transient ClientRuntime runtime;
  private final long handle;
  private final transient CompletableFuture<ActorId> id;

  ClientActorHandle(ClientRuntime runtime, long handle, CompletableFuture<ActorId> id) {
    this.runtime = runtime;
    this.handle = handle;
    this.id = id;
  }

  @Override
  public ActorId getId() {
    return ClientRuntime.await(id, "the id of actor #" + handle);
  }

  @Override
  public void kill(boolean noRestart) {
    runtime.killActor(this, noRestart);
  }

  @Serial
  private Object writeReplace() {
    ActorId known = id.isDone() && !id.isCompletedExceptionally() ? id.join() : null;
    return new WireObjects.ActorToken(handle, known);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClientActorHandle<?> h)) {
      return false;
    }
    return h.handle == handle && handle != 0 || getId().equals(h.getId());
  }

  @Override
  public int hashCode() {
    return getId().hashCode();
  }

  @Override
  public String toString() {
    return "ActorHandle(" + (id.isDone() ? String.valueOf(id.getNow(null)) : "#" + handle) + ")";
  }
}
