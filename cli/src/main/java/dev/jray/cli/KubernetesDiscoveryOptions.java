package dev.jray.cli;

import dev.jray.gcs.cluster.ClusterConfig;
import picocli.CommandLine.Option;

/**
 * {@code jray start}'s options for a node on Kubernetes (a picocli mixin): find the cluster's
 * members as the pods of a Kubernetes service (Hazelcast's Kubernetes discovery) in place of
 * {@code --address}. Off by default: members join by TCP-IP.
 *
 * <p>Filled by picocli, then read by the command's one thread.
 */
final class KubernetesDiscoveryOptions {
  /** The headless service of deploy/kubernetes/ that selects every pod of the cluster. */
  static final String DEFAULT_SERVICE = "jray-members";

  @Option(names = "--kubernetes-discovery", arity = "0..1", fallbackValue = DEFAULT_SERVICE,
      paramLabel = "SERVICE", description = "Find the cluster's members as the pods of this"
          + " Kubernetes service (default " + DEFAULT_SERVICE + ") through the Kubernetes API, in"
          + " place of --address; every member listens on the same --port (default 6379). The"
          + " pod's service account needs get and list on endpoints, endpointslices, pods and"
          + " services.")
  String service;

  @Option(names = "--kubernetes-namespace", paramLabel = "NAMESPACE", description = "The"
      + " namespace of --kubernetes-discovery's service (default: the pod's own).")
  String namespace;

  /**
   * The discovery asked for, or null.
   *
   * @throws IllegalArgumentException naming the option at fault
   */
  ClusterConfig.KubernetesDiscovery discovery() {
    if (service == null) {
      if (namespace != null) {
        throw new IllegalArgumentException("--kubernetes-namespace: only with"
            + " --kubernetes-discovery");
      }
      return null;
    }
    if (service.isBlank()) {
      throw new IllegalArgumentException("--kubernetes-discovery: the service name is empty");
    }
    return new ClusterConfig.KubernetesDiscovery(service.strip(), namespace);
  }
}
