package dev.jray.api.parallelactor;

import dev.jray.api.ActorHandle;

/** A parallel actor: one actor hosting {@link #getParallelism()} instances of {@code A}. */
public interface ParallelActorHandle<A> {

  /**
   * The instance with this index, to call: its calls run one at a time in submission order.
   *
   * @throws IllegalArgumentException if not in 0 .. parallelism - 1
   */
  ParallelActorInstance<A> getInstance(int instanceId);

  int getParallelism();

  /** The actor that hosts the instances (to kill it, or pass it on). */
  ActorHandle<?> getHandle();
}
