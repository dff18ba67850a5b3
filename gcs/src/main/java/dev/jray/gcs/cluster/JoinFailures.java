package dev.jray.gcs.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

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

  /** Why a worker or driver found no member at {@code headAddress} ("host:port", or several). */
  static IllegalStateException memberCannotJoin(String headAddress) {
    if (accepts(headAddress)) {
      return new IllegalStateException("cannot join the cluster at " + headAddress
          + ": no member there has this cluster token (wrong token?)");
    }
    return new IllegalStateException("could not join the jray cluster at " + headAddress
        + ": no head answers there (start it first with 'jray start --head')");
  }

  /** Why a client could not connect to {@code address}, Hazelcast's error being {@code cause}. */
  static IllegalStateException clientCannotConnect(String address, RuntimeException cause) {
    if (accepts(address)) {
      return new IllegalStateException("cannot connect to the cluster at " + address
          + ": no member there has this cluster token (wrong token?)", cause);
    }
    return new IllegalStateException("No jray cluster answers at " + address + ": "
        + cause.getMessage(), cause);
  }

  /** Whether a TCP connection to {@code address} ("host:port", "[v6]:port") opens. */
  static boolean accepts(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || address.indexOf(',') >= 0) {
      return false;
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))),
          PROBE_TIMEOUT_MS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
