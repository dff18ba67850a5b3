package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import dev.jray.task.FunctionDescriptor;

/**
 * The actor behind a parallel actor ({@code ParallelActor.actor}): it holds the instances and
 * runs each call on the one it names. {@link ParallelActors} creates it with one concurrency
 * group of one call at a time per instance, so an instance runs its calls in order and different
 * instances run at once. Public for the runtime to create it as an actor; not for user code.
 */
public final class ParallelActorHost {
  private final FunctionResolver functions = new FunctionResolver();
  private final Object[] instances;

  /** The concurrency group of instance {@code index}. */
  static String groupOf(int index) {
    return "parallel-instance-" + index;
  }

  /**
   * Makes {@code parallelism} instances with the constructor or factory named. They share the
   * argument values: one copy of them reaches the actor.
   */
  public ParallelActorHost(int parallelism, String className, String methodName,
      String signature, Object[] args) throws Exception {
    FunctionResolver.Invocable ctor = resolve(className, methodName, signature);
    Object[] values = valuesOf(args);
    instances = new Object[parallelism];
    for (int i = 0; i < parallelism; i++) {
      instances[i] = invoke(ctor, null, values);
    }
  }

  /** Calls the method named on instance {@code index}; its result, null for a void method. */
  public Object call(int index, String className, String methodName, String signature,
      Object[] args) throws Exception {
    if (index < 0 || index >= instances.length) {
      throw new IllegalArgumentException("no instance " + index + ": the parallel actor has "
          + instances.length);
    }
    return invoke(resolve(className, methodName, signature), instances[index], valuesOf(args));
  }

  private FunctionResolver.Invocable resolve(String className, String methodName,
      String signature) {
    // the job's class loader: the worker makes it the context loader of the call's thread
    return functions.resolve(new FunctionDescriptor(className, methodName, signature),
        Thread.currentThread().getContextClassLoader());
  }

  /** Arguments passed as refs arrive inside the array as refs: read them here. */
  private static Object[] valuesOf(Object[] args) {
    Object[] values = args.clone();
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof ObjectRef<?> ref) {
        values[i] = ref.get();
      }
    }
    return values;
  }

  private static Object invoke(FunctionResolver.Invocable function, Object target, Object[] args)
      throws Exception {
    try {
      return function.invoke(target, args);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
