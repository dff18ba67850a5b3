package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.util.concurrent.CompletableFuture;

/** Copies objects between this node's object store and other nodes'. */
@FunctionalInterface
public interface ObjectFetcher {

  /** Completes once the object is in the local store (as a secondary copy); never blocks. */
  CompletableFuture<Void> fetch(ObjectId id, UniqueId fromNode);

  /**
   * Node {@code node} left the cluster: fetches from it fail now, and its fetches from here stop
   * pinning objects. Never blocks.
   */
  default void onNodeLeft(UniqueId node) {}
}
