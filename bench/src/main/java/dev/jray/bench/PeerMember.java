package dev.jray.bench;

import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.security.TokenSources;

/**
 * {@code PeerMember HOST:PORT}: the second JVM of the peer rows. Joins the suite's Hazelcast
 * member at that address, with the token of {@code -Djray.token-file} (TCP-IP on 127.0.0.1, no multicast) under a clustered Vert.x, answers
 * {@link HazelcastPeer#REMOTE_ECHO} requests, prints {@link #UP} and runs until killed or until
 * its standard input closes (its parent died).
 */
public final class PeerMember {
  static final String UP = "bench peer member is up";

  private PeerMember() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: PeerMember HOST:PORT");
      System.exit(2);
    }
    ClusteredVertx cv = Floors.await(
        ClusterConfig.member(args[0], "127.0.0.1", ClusterConfig.Role.WORKER, false,
                TokenSources.ofProcess().require(null))
            .alsoDecoding(HazelcastPeer.TRAVELLING).join("127.0.0.1"));
    Floors.await(cv.vertx().eventBus().<Integer>consumer(HazelcastPeer.REMOTE_ECHO, m -> m.reply(m.body()))
        .completion());
    System.out.println(UP);
    System.out.flush();
    while (System.in.read() >= 0) {
      // nothing to read: stdin closes when the suite ends
    }
    Floors.await(cv.vertx().close());
    System.exit(0);
  }
}
