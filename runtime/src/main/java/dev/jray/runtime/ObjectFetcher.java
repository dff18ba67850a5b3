package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.util.concurrent.CompletableFuture;

/** Copies an object from another node's object store into this node's. */
@FunctionalInterface
public interface ObjectFetcher {

  /** Completes once the object is in the local store (as a secondary copy); never blocks. */
  CompletableFuture<Void> fetch(ObjectId id, UniqueId fromNode);
}
