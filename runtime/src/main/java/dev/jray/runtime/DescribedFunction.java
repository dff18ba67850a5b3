package dev.jray.runtime;

import dev.jray.api.function.RayFunc;
import dev.jray.task.FunctionDescriptor;
import java.io.Serial;
import java.util.Objects;

/**
 * A remote function by its name alone, standing in for the method reference it was read from: what
 * a Ray Client sends, so that its session driver needs neither the lambda's capturing class nor
 * {@code $deserializeLambda$} (the function's own class is in the job's code). Submitters take it
 * as they take the reference. Immutable.
 */
public final class DescribedFunction implements RayFunc {
  @Serial private static final long serialVersionUID = 1L;
  private final FunctionDescriptor descriptor;

  private DescribedFunction(FunctionDescriptor descriptor) {
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
  }

  /**
   * @throws IllegalArgumentException if {@code func} captures state or is not a method reference
   */
  public static DescribedFunction of(RayFunc func) {
    return func instanceof DescribedFunction d ? d
        : new DescribedFunction(FunctionResolver.describeUncached(func));
  }

  FunctionDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public String toString() {
    return descriptor.toString();
  }
}
