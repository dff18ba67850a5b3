package dev.jray.api.call;

import dev.jray.api.Ray;
import dev.jray.api.function.RayFunc;

/** A task returning nothing, ready to submit. */
public class VoidTaskCaller extends BaseTaskCaller<VoidTaskCaller> {

  public VoidTaskCaller(RayFunc func, Object[] args) {
    super(func, args);
  }

  /** Submits the task; returns at once. */
  public void remote() {
    Ray.internal().call(func, args, buildOptions());
  }
}
