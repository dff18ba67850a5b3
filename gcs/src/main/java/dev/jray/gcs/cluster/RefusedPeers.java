package dev.jray.gcs.cluster;

import dev.jray.gcs.time.Time;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One jray line, at most once a minute per member (per host for clients), in place of Hazelcast's warnings when this member
 * refuses a member or client with another cluster name, that is without this cluster's token (the
 * name is derived from it). Hazelcast logs those refusals on JUL loggers named after its classes;
 * a filter on each turns a matching record into jray's line. On the refused member's side its
 * warning (and, for a lite member, Vert.x's error at finding no data member) is dropped: jray's
 * join error names the cause in one line ({@link JoinFailures}). Other
 * records pass unchanged, so a Hazelcast version that words them otherwise shows its own warnings.
 *
 * <p>Threading: the filter runs on Hazelcast's threads; {@link #install} is synchronized and acts
 * once per process; the peers last reported sit in a concurrent map.
 */
final class RefusedPeers implements Filter {
  private static final Logger LOG = Logger.getLogger(RefusedPeers.class.getName());
  private static final long REPORT_EVERY_MS = 60_000;
  /** Past this many peers the map starts again: a flood of addresses cannot grow it for ever. */
  private static final int MAX_PEERS = 1_024;
  // JUL keeps loggers weakly: hold these so their filters stick.
  private static final Logger JOIN_LOGGER =
      Logger.getLogger("com.hazelcast.internal.cluster.impl.ClusterJoinManager");
  private static final Logger CLIENT_LOGGER =
      Logger.getLogger("com.hazelcast.client.impl.protocol.task.AuthenticationMessageTask");
  private static final Logger JOINER_LOGGER = Logger.getLogger("com.hazelcast.cluster");
  private static final Logger VERTX_LOGGER = Logger.getLogger("io.vertx.core.impl.VertxImpl");
  private static final Pattern MEMBER = Pattern.compile(
      "^Received an invalid join request from (\\S+), cause: members part of different cluster");
  private static final Pattern CLIENT = Pattern.compile(
      "^Received auth from .*?->/?([^,\\]\\s]+).*authentication failed");
  private static final Pattern REFUSED_HERE = Pattern.compile(
      "^Node could not join cluster at node: .*different cluster-name");
  private static boolean installed;

  /** When each member (or client host) was last reported, on the system clock, in ms. */
  private final Map<String, Long> reportedAt = new ConcurrentHashMap<>();

  private RefusedPeers() {}

  /** Puts the filters on Hazelcast's loggers, once per process. */
  static synchronized void install() {
    if (!installed) {
      RefusedPeers filter = new RefusedPeers();
      JOIN_LOGGER.setFilter(filter);
      CLIENT_LOGGER.setFilter(filter);
      // a Hazelcast client in the same process (as in tests) quiets com.hazelcast to SEVERE
      JOIN_LOGGER.setLevel(Level.WARNING);
      CLIENT_LOGGER.setLevel(Level.WARNING);
      JOINER_LOGGER.setFilter(filter);
      VERTX_LOGGER.setFilter(filter);
      installed = true;
    }
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    if (message == null) {
      return true;
    }
    if (REFUSED_HERE.matcher(message).find() || ClusterConfig.aloneAndLite(record.getThrown())) {
      return false;
    }
    Matcher member = MEMBER.matcher(message);
    if (member.find()) {
      report("member", member.group(1));
      return false;
    }
    Matcher client = CLIENT.matcher(message);
    if (client.find()) {
      report("client", client.group(1));
      return false;
    }
    return true;
  }

  /** Logs a refused member or client at {@code address}, unless its host's was lately. */
  private void report(String kind, String address) {
    long now = Time.SYSTEM.milliseconds();
    if (reportedAt.size() > MAX_PEERS) {
      reportedAt.clear();
    }
    // a member tries again from its own address; a client from a new port every second
    String peer = kind.equals("client") ? "client " + address.replaceFirst(":\\d+$", "")
        : kind + " " + address;
    Long last = reportedAt.get(peer);
    if (last == null || now - last >= REPORT_EVERY_MS) {
      reportedAt.put(peer, now);
      LOG.warning("refused a Hazelcast " + kind + " at " + address + ": it has another cluster"
          + " name, so not this cluster's token (a node, driver or status call with a wrong"
          + " token?)");
    }
  }
}
