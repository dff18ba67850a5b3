package dev.jray.api.parallelactor;

import dev.jray.api.ObjectRef;
import dev.jray.api.function.RayFunc;
import dev.jray.api.function.RayFuncR;

/** The runtime's side of parallel actors ({@code Ray.internal().getParallelActorContext()}). */
public interface ParallelActorContext {

  /** Ray's: instances made by a constructor of no arguments. */
  default <A> ParallelActorHandle<A> createParallelActorExecutor(int parallelism,
      RayFuncR<A> ctorFunc) {
    return createParallelActorExecutor(parallelism, ctorFunc, new Object[0]);
  }

  /**
   * Creates one actor hosting {@code parallelism} instances, each {@code ctorFunc(args)}; each
   * instance runs its calls one at a time, and different instances run at the same time.
   *
   * @param args each a value or an {@link ObjectRef} of one
   */
  <A> ParallelActorHandle<A> createParallelActorExecutor(int parallelism, RayFuncR<A> ctorFunc,
      Object[] args);

  /**
   * Calls {@code func} (a method of {@code A}) on instance {@code instanceIndex}.
   *
   * @return the method's result (null for a void method)
   */
  <A, R> ObjectRef<R> submitTask(ParallelActorHandle<A> parallelActorHandle, int instanceIndex,
      RayFunc func, Object[] args);
}
