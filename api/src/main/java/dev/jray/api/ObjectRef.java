package dev.jray.api;

import dev.jray.api.id.ObjectId;
import java.util.concurrent.CompletableFuture;

/**
 * A reference to an object in the cluster: the future result of a task, or a value given to
 * {@link Ray#put}. Serializable: pass it to tasks and actors, inside collections too.
 *
 * @param <T> the type of the value
 */
public interface ObjectRef<T> {

  /** Blocks until the value is available and returns a copy of it. */
  T get();

  /**
   * Blocks until the value is available or the timeout passes.
   *
   * @throws dev.jray.api.exception.RayTimeoutException if the timeout passes first
   */
  T get(long timeoutMs);

  ObjectId getId();

  /**
   * The value as a future; never blocks, so it is the way to use objects from a Vert.x event
   * loop. Completes exceptionally with the same exceptions {@link #get()} throws.
   */
  CompletableFuture<T> toCompletableFuture();
}
