package dev.jray.client;

import dev.jray.api.ObjectRef;
import dev.jray.api.id.ObjectId;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * An ObjectRef held by a Ray Client: a handle the client numbered, which its session's driver
 * maps to the driver's own ref. Its id arrives once the driver made the object; it crosses the
 * wire as a {@link WireObjects.RefToken}. When it is collected, the driver lets its ref go.
 *
 * <p>Thread-safe.
 */
final class ClientObjectRef<T> implements ObjectRef<T>, Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final transient ClientRuntime runtime;
  private final long handle;
  private final transient CompletableFuture<ObjectId> id;

  ClientObjectRef(ClientRuntime runtime, long handle, CompletableFuture<ObjectId> id) {
    this.runtime = runtime;
    this.handle = handle;
    this.id = id;
  }

  long handle() {
    return handle;
  }

  @Override
  public T get() {
    return runtime.get(this);
  }

  @Override
  public T get(long timeoutMs) {
    return runtime.get(this, timeoutMs);
  }

  @Override
  public ObjectId getId() {
    return ClientRuntime.await(id, "the id of ObjectRef #" + handle);
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    return runtime.getAsync(this);
  }

  @Serial
  private Object writeReplace() {
    return new WireObjects.RefToken(handle);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientObjectRef<?> r && r.handle == handle && r.runtime == runtime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(handle);
  }

  @Override
  public String toString() {
    ObjectId known = id.isDone() && !id.isCompletedExceptionally() ? id.join() : null;
    return "ObjectRef(" + (known != null ? known : "#" + handle) + ")";
  }
}
