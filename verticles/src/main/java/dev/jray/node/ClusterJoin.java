package dev.jray.node;

import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import java.util.List;
import java.util.Objects;

/**
 * How a member joins its cluster: the port it listens on, the members it may join through, and
 * the GCS maps' backups. Immutable.
 *
 * @param port the cluster port: the head's (required), a worker's (0: any free port); a driver's
 *     is always 0
 * @param members the members to join through: any live one will do (a head given some joins the
 *     cluster they run, a restarted head; else it starts one)
 * @param gcsBackups backups of each GCS record on other members (see {@link
 *     ClusterConfig#gcsBackups})
 */
public record ClusterJoin(int port, List<ClusterAddress> members, int gcsBackups) {
  public ClusterJoin {
    members = List.copyOf(members);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (gcsBackups < 0 || gcsBackups > ClusterConfig.MAX_GCS_BACKUPS) {
      throw new IllegalArgumentException("GCS backups must be 0.." + ClusterConfig.MAX_GCS_BACKUPS
          + ", got " + gcsBackups);
    }
  }

  /** A head on {@code port}, starting a cluster, with the default backups. */
  public static ClusterJoin head(int port) {
    return new ClusterJoin(port, List.of(), ClusterConfig.DEFAULT_GCS_BACKUPS);
  }

  /**
   * A member joining through any of {@code addresses} ("h1:p1,h2:p2"), on any free port, with the
   * default backups.
   *
   * @throws IllegalArgumentException one line naming what is wrong with the addresses
   */
  public static ClusterJoin through(String addresses) {
    Objects.requireNonNull(addresses, "addresses");
    return new ClusterJoin(0, ClusterAddress.parseList(addresses),
        ClusterConfig.DEFAULT_GCS_BACKUPS);
  }

  public ClusterJoin withPort(int newPort) {
    return new ClusterJoin(newPort, members, gcsBackups);
  }

  public ClusterJoin withMembers(List<ClusterAddress> newMembers) {
    return new ClusterJoin(port, newMembers, gcsBackups);
  }

  public ClusterJoin withGcsBackups(int backups) {
    return new ClusterJoin(port, members, backups);
  }

  /** The members as {@code h1:p1,h2:p2}. */
  public String membersText() {
    return ClusterAddress.toText(members);
  }
}
