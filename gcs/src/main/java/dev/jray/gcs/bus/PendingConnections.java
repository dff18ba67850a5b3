package dev.jray.gcs.bus;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The event-bus connections that have not sent a whole message yet, capped in all and per peer
 * address, as the link's and the transfer port's acceptors cap theirs: a stranger's flood of
 * connections costs a bounded number of channels. At a cap, the longest-waiting connection that
 * has sent nothing at all makes room (a node writes as soon as it connects, so idle strangers
 * cannot keep nodes out, even from their own address); only when none is silent is the new one
 * refused.
 *
 * <p>Threading: thread-safe; every method holds this object's monitor, which guards the maps.
 * Called on the connections' event loops; never blocks.
 */
final class PendingConnections {
  static final int DEFAULT_MAX_TOTAL = 256;
  static final int DEFAULT_MAX_PER_ADDRESS = 64;

  private final int maxTotal;
  private final int maxPerAddress;
  /** Pending connections by the peer's host (or address), the longest waiting first. */
  private final LinkedHashMap<Channel, Object> pending = new LinkedHashMap<>();
  private final Map<Object, Integer> perAddress = new HashMap<>();
  /** The pending connections that have sent no byte yet. */
  private final Set<Channel> silent = new HashSet<>();

  PendingConnections(int maxTotal, int maxPerAddress) {
    if (maxTotal < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException("connection caps must be positive: " + maxTotal + ", "
          + maxPerAddress);
    }
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a new connection in.
   *
   * @return the connection to close: {@code channel} itself if it is refused, a silent one it
   *     displaced, or null
   */
  synchronized Channel admit(Channel channel) {
    Object from = hostOf(channel.remoteAddress());
    boolean addressFull = perAddress.getOrDefault(from, 0) >= maxPerAddress;
    Channel displaced = null;
    if (addressFull || pending.size() >= maxTotal) {
      displaced = oldestSilent(addressFull ? from : null);
      if (displaced == null) {
        return channel;
      }
      settled(displaced);
    }
    pending.put(channel, from);
    perAddress.merge(from, 1, Integer::sum);
    silent.add(channel);
    return displaced;
  }

  /** The connection sent its first bytes. */
  synchronized void spoke(Channel channel) {
    silent.remove(channel);
  }

  /** The connection sent a whole message or closed: it no longer counts. */
  synchronized void settled(Channel channel) {
    Object from = pending.remove(channel);
    if (from != null) {
      perAddress.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
      silent.remove(channel);
    }
  }

  synchronized int size() {
    return pending.size();
  }

  private Channel oldestSilent(Object from) {
    for (Iterator<Map.Entry<Channel, Object>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Channel, Object> e = it.next();
      if (silent.contains(e.getKey()) && (from == null || from.equals(e.getValue()))) {
        return e.getKey();
      }
    }
    return null;
  }

  private static Object hostOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress() : address;
  }
}
