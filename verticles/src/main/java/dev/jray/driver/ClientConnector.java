package dev.jray.driver;

import dev.jray.api.runtime.RayRuntime;
import java.util.ServiceLoader;

/**
 * Opens a Ray Client runtime for a {@code jray://HOST:PORT} address: {@code Ray.init()} finds the
 * one on the class path ({@code dev.jray:jray-client}) through {@link ServiceLoader}.
 */
public interface ClientConnector {
  /** The scheme of the addresses a client connects to. */
  String SCHEME = "jray://";

  /**
   * Connects to the head's client port and starts a session; blocks until its driver runs.
   *
   * @param address {@code jray://HOST[:PORT]}
   * @throws IllegalArgumentException naming the address if it is not one
   * @throws dev.jray.api.exception.RayException if the server cannot be reached or refuses
   */
  RayRuntime connect(String address);

  /** @throws IllegalStateException if no connector is on the class path */
  static RayRuntime open(String address) {
    ClientConnector connector = ServiceLoader.load(ClientConnector.class,
            ClientConnector.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new IllegalStateException("the address " + address
            + " needs the Ray Client: add dev.jray:jray-client to the class path"));
    return connector.connect(address);
  }
}
