package dev.jray.task;

import java.io.Serializable;

/**
 * A remote function by name: class, method and JVM signature, as resolved from a method
 * reference. {@code methodName} is {@code <init>} for constructors.
 */
public record FunctionDescriptor(String className, String methodName, String signature)
    implements Serializable {

  public boolean isConstructor() {
    return "<init>".equals(methodName);
  }

  public boolean returnsVoid() {
    return signature.endsWith(")V") && !isConstructor();
  }

  @Override
  public String toString() {
    return className + "." + methodName + signature;
  }
}
