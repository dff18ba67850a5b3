package dev.jray.gcs.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * Why a member or client could not join a cluster, in one line. Hazelcast tells a joiner with
 * another cluster name (another token) no more than it tells one that finds nobody, so this asks
 * the address itself: something that accepts a TCP connection there is a cluster under another
 * token.
 *
 * <p>Stateless; the checks block up to {@link #PROBE_TIMEOUT_MS}: never call on an event loop.
 */
final class JoinFailures {
  static final int PROBE_TIMEOUT_MS = 2_000;

  private JoinFailures() {}

  /** Why a worker or driver found no member at {@code addresses} ("host:port", or several). */
  static IllegalStateException memberCannotJoin(String addresses) {
    if (anyAccepts(addresses)) {
      return new IllegalStateException("cannot join the cluster at " + addresses
          + ": no member there has this cluster token (wrong token?)");
    }
    return new IllegalStateException("could not join the jray cluster at " + addresses
        + ": no member answers there (start a head first with 'jray start --head')");
  }

  /** Why a client could not connect to {@code addresses}, Hazelcast's error being {@code cause}. */
  static IllegalStateException clientCannotConnect(String addresses, RuntimeException cause) {
    if (anyAccepts(addresses)) {
      return new IllegalStateException("cannot connect to the cluster at " + addresses
          + ": no member there has this cluster token (wrong token?)", cause);
    }
    return new IllegalStateException("No jray cluster answers at " + addresses + ": "
        + cause.getMessage(), cause);
  }

  /** Whether a TCP connection opens to any of {@code addresses} ("host:port,[v6]:port"). */
  static boolean anyAccepts(String addresses) {
    List<ClusterAddress> list;
    try {
      list = ClusterAddress.parseList(addresses);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (ClusterAddress a : list) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(a.host(), a.port()), PROBE_TIMEOUT_MS);
        return true;
      } catch (IOException | IllegalArgumentException e) {
        // nobody there: try the next
      }
    }
    return false;
  }
}
