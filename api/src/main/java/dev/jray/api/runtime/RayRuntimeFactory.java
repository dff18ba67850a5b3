package dev.jray.api.runtime;

/** Creates the runtime {@link dev.jray.api.Ray#init()} uses; registered as a service. */
public interface RayRuntimeFactory {

  /**
   * Starts a runtime: an embedded node when no cluster address is configured ({@code
   * jray.address} system property or {@code JRAY_ADDRESS}), otherwise a driver joining it.
   */
  RayRuntime createRuntime();
}
