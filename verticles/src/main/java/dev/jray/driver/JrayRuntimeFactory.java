package dev.jray.driver;

import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtime.RayRuntimeFactory;

/** Found by {@code Ray.init()} through {@link java.util.ServiceLoader}. */
public final class JrayRuntimeFactory implements RayRuntimeFactory {
  @Override
  public RayRuntime createRuntime() {
    return JrayRuntime.start();
  }
}
