package dev.jray.task;

import java.io.Serializable;
import java.util.List;

/**
 * A concurrency group given when its actor was created: its name, how many of its calls may
 * run at once, and its methods (name and JVM signature, as {@link FunctionDescriptor} has them).
 */
public record ConcurrencyGroupSpec(String name, int maxConcurrency, List<String> methods)
    implements Serializable {

  public ConcurrencyGroupSpec {
    methods = List.copyOf(methods);
  }

  /** How a method is named in {@link #methods()}. */
  public static String methodKey(String methodName, String signature) {
    return methodName + signature;
  }
}
