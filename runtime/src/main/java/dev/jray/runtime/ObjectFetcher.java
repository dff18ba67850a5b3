package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.store.transfer.HeapDestination;
import java.util.concurrent.CompletableFuture;

/** Copies objects between this node's object store and other nodes', or reads them into the heap. */
public interface ObjectFetcher {

  /** Completes once the object is in the local store (as a secondary copy); never blocks. */
  CompletableFuture<Void> fetch(ObjectId id, UniqueId fromNode);

  /**
   * Reads the object from node {@code fromNode} straight into the heap array {@code into}
   * chooses, keeping no copy in the local store; cancelling the future ends the read. Never
   * blocks.
   */
  CompletableFuture<byte[]> read(ObjectId id, UniqueId fromNode, HeapDestination into);

  /**
   * Node {@code node} left the cluster: fetches from it fail now, and its fetches from here stop
   * pinning objects. Never blocks.
   */
  default void onNodeLeft(UniqueId node) {}
}
