package dev.jray.node;

import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import java.util.List;
import java.util.Objects;

/**
 * How a member joins its cluster: the port it listens on, the members it may join through (or the
 * Kubernetes service whose pods they are), and the GCS maps' backups. Immutable.
 *
 * @param port the cluster port: the head's (required), a worker's (0: any free port); a driver's
 *     is always 0
 * @param members the members to join through: any live one will do (a head given some joins the
 *     cluster they run, a restarted head; else it starts one)
 * @param gcsBackups backups of each GCS record on other members (see {@link
 *     ClusterConfig#gcsBackups})
 * @param kubernetes the members are the pods of this Kubernetes service, found through the
 *     Kubernetes API in place of {@code members}; null (the default): TCP-IP through {@code
 *     members}
 */
public record ClusterJoin(int port, List<ClusterAddress> members, int gcsBackups,
    ClusterConfig.KubernetesDiscovery kubernetes) {
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
    return new ClusterJoin(port, List.of(), ClusterConfig.DEFAULT_GCS_BACKUPS, null);
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
        ClusterConfig.DEFAULT_GCS_BACKUPS, null);
  }

  public ClusterJoin withPort(int newPort) {
    return new ClusterJoin(newPort, members, gcsBackups, kubernetes);
  }

  public ClusterJoin withMembers(List<ClusterAddress> newMembers) {
    return new ClusterJoin(port, newMembers, gcsBackups, kubernetes);
  }

  public ClusterJoin withGcsBackups(int backups) {
    return new ClusterJoin(port, members, backups, kubernetes);
  }

  /** Finds the members as the pods of a Kubernetes service (null: by TCP-IP, the default). */
  public ClusterJoin withKubernetes(ClusterConfig.KubernetesDiscovery discovery) {
    return new ClusterJoin(port, members, gcsBackups, discovery);
  }

  /**
   * A worker on {@code port} that finds its members as the pods of a Kubernetes service, with the
   * default backups.
   */
  public static ClusterJoin kubernetes(int port, ClusterConfig.KubernetesDiscovery discovery) {
    return new ClusterJoin(port, List.of(), ClusterConfig.DEFAULT_GCS_BACKUPS,
        Objects.requireNonNull(discovery, "discovery"));
  }

  /** The members as {@code h1:p1,h2:p2}. */
  public String membersText() {
    return ClusterAddress.toText(members);
  }
}
