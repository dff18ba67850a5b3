package dev.jray.runtime;

import dev.jray.api.runtimeenv.RuntimeEnv;

/** Runtime envs for a {@code RayRuntime} outside a node (the Ray Client's): new or from JSON. */
public final class RuntimeEnvs {
  private RuntimeEnvs() {}

  public static RuntimeEnv create() {
    return new RuntimeEnvImpl();
  }

  /** @throws dev.jray.api.exception.RuntimeEnvException naming the field if it is not valid */
  public static RuntimeEnv deserialize(String json) {
    return RuntimeEnvImpl.deserialize(json);
  }
}
