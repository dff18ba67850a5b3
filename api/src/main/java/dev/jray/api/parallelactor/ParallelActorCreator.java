package dev.jray.api.parallelactor;

import dev.jray.api.Ray;
import dev.jray.api.function.RayFuncR;

/** Options of a parallel actor, set before {@link #remote()}. Not thread-safe. */
public class ParallelActorCreator<A> {
  private final RayFuncR<A> func;
  private final Object[] args;
  private int parallelism = 1;

  public ParallelActorCreator(RayFuncR<A> func, Object[] args) {
    this.func = func;
    this.args = args;
  }

  /**
   * How many instances of {@code A} the actor hosts (1 by default).
   *
   * @throws IllegalArgumentException if below 1
   */
  public ParallelActorCreator<A> setParallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    this.parallelism = parallelism;
    return this;
  }

  /** Creates the actor and its instances (each from the constructor and arguments given). */
  public ParallelActorHandle<A> remote() {
    return Ray.internal().getParallelActorContext()
        .createParallelActorExecutor(parallelism, func, args);
  }
}
