package dev.jray.gcs.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.jray.gcs.Gcs;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Objects;

/**
 * A clustered Vert.x with what jray needs from the Hazelcast member under it: the GCS on its maps
 * and its membership. Started by {@link ClusterConfig#join}, or adapted by {@link #of(Vertx)}
 * from an application's own clustered Vert.x. The Vert.x instance owns the member: {@code
 * vertx().close()} shuts it down.
 *
 * <p>The one class of jray that reads Vert.x's internals ({@code io.vertx.core.internal}), to find
 * the cluster manager of a Vert.x it did not build.
 *
 * <p>Threading: immutable; the GCS and membership are thread-safe and block on the network.
 */
public final class ClusteredVertx {
  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Gcs gcs;
  private final Membership membership;

  ClusteredVertx(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.gcs = new HazelcastGcs(hazelcast);
    this.membership = new HazelcastMembership(hazelcast, gcs.nodes());
  }

  /**
   * The jray view of a Vert.x clustered with a {@code HazelcastClusterManager}, e.g. an
   * application's own, into which it deploys a node.
   *
   * @throws IllegalStateException if {@code vertx} is not clustered with Hazelcast
   */
  public static ClusteredVertx of(Vertx vertx) {
    if (!(vertx instanceof VertxInternal internal)
        || !(internal.clusterManager() instanceof HazelcastClusterManager manager)) {
      throw new IllegalStateException("deploy jray's node into a Vert.x clustered with "
          + "HazelcastClusterManager, joined to a jray cluster");
    }
    return new ClusteredVertx(vertx, manager.getHazelcastInstance());
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The GCS on this member's maps; closing it leaves the member running. */
  public Gcs gcs() {
    return gcs;
  }

  public Membership membership() {
    return membership;
  }

  /**
   * The Hazelcast member itself, for Hazelcast's own peer rows in the bench; jray's code uses
   * {@link #gcs()} and {@link #membership()}. Do not shut it down: close the Vert.x instead.
   */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }
}
