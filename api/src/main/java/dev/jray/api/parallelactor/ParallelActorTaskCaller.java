package dev.jray.api.parallelactor;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.function.RayFuncR;

/** A call to one instance of a parallel actor, submitted by {@link #remote()}. */
public class ParallelActorTaskCaller<R> {
  private final ParallelActorInstance<?> instance;
  private final RayFuncR<R> func;
  private final Object[] args;

  public ParallelActorTaskCaller(ParallelActorInstance<?> instance, RayFuncR<R> func,
      Object[] args) {
    this.instance = instance;
    this.func = func;
    this.args = args;
  }

  public ObjectRef<R> remote() {
    return Ray.internal().getParallelActorContext()
        .submitTask(instance.getActor(), instance.getInstanceId(), func, args);
  }
}
