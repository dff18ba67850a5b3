package dev.jray.jobs;

import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a node runs jobs' entrypoints ({@link EntrypointHostVerticle}).
 *
 * @param nodeId the node's id, as the supervisor addresses it
 * @param jobsDir where the entrypoints' directories go ({@code entrypoints/<submission id>})
 * @param clusterAddress the members to join through, given to drivers as JRAY_ADDRESS
 * @param tokenFile the cluster token's file, given to drivers as JRAY_CLUSTER_TOKEN_FILE
 * @param tls null, or the TLS settings drivers get in their environment
 * @param driverEnv more variables for every entrypoint, read as each one starts: this node's
 *     {@value JobsOptions#CLASSPATH_ENV} and {@value JobsOptions#JAVA_OPTIONS_ENV}; null for none
 * @param time the clock of the stop grace period
 */
public record EntrypointHostOptions(String nodeId, Path jobsDir, String clusterAddress,
    Path tokenFile, TlsSettings tls, Supplier<Map<String, String>> driverEnv, Time time) {
  public EntrypointHostOptions {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(jobsDir, "jobsDir");
    Objects.requireNonNull(clusterAddress, "clusterAddress");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(time, "time");
    if (driverEnv == null) {
      driverEnv = Map::of;
    }
  }
}
