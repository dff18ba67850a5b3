package dev.jray.api.call;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;

/** A task returning a value, ready to submit. */
public class TaskCaller<R> extends BaseTaskCaller<TaskCaller<R>> {

  public TaskCaller(RayFunc func, Object[] args) {
    super(func, args);
  }

  /** Submits the task; returns at once with the ref of its result. */
  @SuppressWarnings("unchecked")
  public ObjectRef<R> remote() {
    return (ObjectRef<R>) Ray.internal().call(func, args, buildOptions());
  }
}
