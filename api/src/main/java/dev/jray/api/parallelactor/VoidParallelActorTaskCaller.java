package dev.jray.api.parallelactor;

import dev.jray.api.Ray;
import dev.jray.api.function.RayFuncVoid;

/** A call of a void method on one instance of a parallel actor, submitted by {@link #remote()}. */
public class VoidParallelActorTaskCaller {
  private final ParallelActorInstance<?> instance;
  private final RayFuncVoid func;
  private final Object[] args;

  public VoidParallelActorTaskCaller(ParallelActorInstance<?> instance, RayFuncVoid func,
      Object[] args) {
    this.instance = instance;
    this.func = func;
    this.args = args;
  }

  public void remote() {
    Ray.internal().getParallelActorContext()
        .submitTask(instance.getActor(), instance.getInstanceId(), func, args);
  }
}
