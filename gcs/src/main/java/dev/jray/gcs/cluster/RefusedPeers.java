package dev.jray.gcs.cluster;

import dev.jray.gcs.time.Time;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One jray line, at most once a minute per member (per host for clients), in place of Hazelcast's warnings when this member
 * refuses a member or client with another cluster name, that is without this cluster's token (the
 * name is derived from it). {@link HazelcastLogging} asks it about each record Hazelcast logs; a
 * matching one becomes jray's line. On the refused member's side its warning is dropped: jray's
 * join error names the cause in one line ({@link JoinFailures}). Other records pass unchanged, so
 * a Hazelcast version that words them otherwise shows its own warnings.
 *
 * <p>Threading: asked on Hazelcast's threads; the peers last reported sit in a concurrent map.
 */
final class RefusedPeers {
  private static final Logger LOG = LoggerFactory.getLogger(RefusedPeers.class);
  private static final long REPORT_EVERY_MS = 60_000;
  /** Past this many peers the map starts again: a flood of addresses cannot grow it for ever. */
  private static final int MAX_PEERS = 1_024;
  private static final Pattern MEMBER = Pattern.compile(
      "^Received an invalid join request from (\\S+), cause: members part of different cluster");
  private static final Pattern CLIENT = Pattern.compile(
      "^Received auth from .*?->/?([^,\\]\\s]+).*authentication failed");
  private static final Pattern REFUSED_HERE = Pattern.compile(
      "^Node could not join cluster at node: .*different cluster-name");
  /** One per process: a peer refused by two members of one JVM (tests) is reported once. */
  private static final RefusedPeers INSTANCE = new RefusedPeers();

  /** When each member (or client host) was last reported, on the system clock, in ms. */
  private final Map<String, Long> reportedAt = new ConcurrentHashMap<>();

  private RefusedPeers() {}

  static RefusedPeers instance() {
    return INSTANCE;
  }

  /**
   * Whether Hazelcast's record passes as it is: false for a refusal, which this reports in
   * jray's words (or drops, on the refused side).
   */
  boolean passes(String message, Throwable thrown) {
    if (message == null) {
      return true;
    }
    if (REFUSED_HERE.matcher(message).find() || ClusterConfig.aloneAndLite(thrown)) {
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
      LOG.warn("refused a Hazelcast " + kind + " at " + address + ": it has another cluster"
          + " name, so not this cluster's token (a node, driver or status call with a wrong"
          + " token?)");
    }
  }
}
