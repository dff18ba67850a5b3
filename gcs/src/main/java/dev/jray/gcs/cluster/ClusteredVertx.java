package dev.jray.gcs.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;

/**
 * A clustered Vert.x and the Hazelcast member under it, from {@link
 * ClusterConfig#clusteredVertx}. The Vert.x instance owns the member: {@code vertx().close()}
 * shuts it down, so do not shut {@code hazelcast()} down yourself.
 */
public record ClusteredVertx(Vertx vertx, HazelcastInstance hazelcast) {}
