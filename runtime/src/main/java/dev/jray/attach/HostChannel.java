package dev.jray.attach;

import java.util.concurrent.CompletableFuture;

/**
 * An attached process's way to its host node: the link the process opened to the node that
 * started it. Everything the process needs from the cluster (the GCS, membership, event-bus
 * messages) travels on it, as a Ray worker's requests go to its raylet and the GCS.
 *
 * <p>Threading: thread-safe; never blocks.
 */
public interface HostChannel {
  /** Sends a request to the host; completes with its reply, or exceptionally if it failed. */
  CompletableFuture<Object> request(Object message);

  /** Sends a one-way message to the host. */
  void send(Object message);
}
