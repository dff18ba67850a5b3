package dev.jray.gcs.deploy;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.time.Time;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * How the verticles of one node, deployed separately into one Vert.x, find each other to call
 * one another directly (the hot path never rides the event bus inside a node): each part
 * registers itself under its node id and kind, and the parts deployed after it look it up. Kept
 * in the Vert.x instance's local shared data, so it lives and dies with that instance.
 *
 * <p>Threading: thread-safe (a Vert.x local map); never blocks.
 */
public final class LocalParts {
  private static final String MAP = "jray.node-parts";

  /** A part in the local map, which takes only immutable or {@link Shareable} values. */
  private record Part(Object value) implements Shareable {}

  private LocalParts() {}

  /**
   * Registers {@code part} as node {@code node}'s {@code kind}.
   *
   * @throws IllegalStateException if the node has one already (deployed twice)
   */
  public static <T> void register(Vertx vertx, UniqueId node, Class<T> kind, T part) {
    Part previous = map(vertx).putIfAbsent(key(node, kind), new Part(kind.cast(part)));
    if (previous != null) {
      throw new IllegalStateException("node " + node + " already has a " + kind.getSimpleName()
          + " in this Vert.x: deploy each of a node's parts once");
    }
  }

  /** Removes {@code part} if it is the one registered; idempotent. */
  public static <T> void unregister(Vertx vertx, UniqueId node, Class<T> kind, T part) {
    LocalMap<String, Part> map = map(vertx);
    String key = key(node, kind);
    Part current = map.get(key);
    if (current != null && current.value() == part) {
      map.removeIfPresent(key, current);
    }
  }

  /** Node {@code node}'s {@code kind}, or null. */
  public static <T> T find(Vertx vertx, UniqueId node, Class<T> kind) {
    Part part = map(vertx).get(key(node, kind));
    return part == null ? null : kind.cast(part.value());
  }

  /**
   * Node {@code node}'s {@code kind}.
   *
   * @param needer the verticle that needs it, as the error should name it
   * @throws IllegalStateException naming both if there is none
   */
  public static <T> T require(Vertx vertx, UniqueId node, Class<T> kind, String needer) {
    T part = find(vertx, node, kind);
    if (part == null) {
      throw new IllegalStateException(needer + " of node " + node + " needs that node's "
          + kind.getSimpleName() + ": deploy it first, with the same nodeId, in this Vert.x");
    }
    return part;
  }

  /**
   * The GCS of node {@code node}'s parts: the one its {@code NodeVerticle} registered, else the
   * cluster's when {@code vertx} is clustered with Hazelcast, else an in-memory one, registered
   * here so that the node's other parts share it. Blocks on the cluster: not on an event loop.
   */
  public static Gcs gcs(Vertx vertx, UniqueId node) {
    Gcs registered = find(vertx, node, Gcs.class);
    if (registered != null) {
      return registered;
    }
    if (vertx.isClustered()) {
      return ClusteredVertx.of(vertx).gcs();
    }
    Part mine = new Part(new InMemoryGcs());
    Part existing = map(vertx).putIfAbsent(key(node, Gcs.class), mine);
    return (Gcs) (existing != null ? existing : mine).value();
  }

  /** The clock node {@code node}'s {@code NodeVerticle} registered, else the system's. */
  public static Time time(Vertx vertx, UniqueId node) {
    Time registered = find(vertx, node, Time.class);
    return registered != null ? registered : Time.SYSTEM;
  }

  private static LocalMap<String, Part> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  private static String key(UniqueId node, Class<?> kind) {
    return node.toHex() + "/" + kind.getName();
  }
}
