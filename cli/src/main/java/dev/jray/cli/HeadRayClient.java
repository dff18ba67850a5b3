package dev.jray.cli;

import dev.jray.client.server.RayClientServer;
import dev.jray.client.server.SessionProcesses;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.node.AttachTarget;
import dev.jray.node.ClusterNode;
import dev.jray.node.NodeVerticle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's Ray Client server ({@code --ray-client-server-port}): its session drivers attach to
 * the head, as a submitted job's driver does, and read the token from the drivers' token file.
 */
final class HeadRayClient {
  private static final Logger LOG = LoggerFactory.getLogger(HeadRayClient.class);
  /** System property: seconds a session outlives its client's broken connection (Ray's 30). */
  static final String GRACE_PROPERTY = "jray.client.reconnect-grace-seconds";

  private HeadRayClient() {}

  /**
   * Deploys the server on {@code port}; the default port when taken is
   * skipped with a warning (a second head on one machine), any other port taken is an error.
   *
   * @param clusterAddress the members the session drivers join through
   * @param tls the cluster's TLS, which the client port speaks too; null for none
   * @return the {@code jray://} address clients use, or null if not served
   */
  static String start(ClusterNode node, TokenSources.Found token, String host, int port,
      boolean defaultPort, String clusterAddress, TlsSettings tls) throws Exception {
    if (!HeadJobs.portFree(host, port)) {
      if (defaultPort) {
        LOG.warn("the Ray Client server is not served: port {} is taken (give a free"
            + " --ray-client-server-port)", port);
        return null;
      }
      throw new IllegalStateException("--ray-client-server-port: port " + port + " on " + host
          + " is taken");
    }
    NodeVerticle n = node.node();
    String attach = new AttachTarget(n.options().nodeId(),
        new ClusterAddress(n.options().host(), n.linkPort())).toString();
    Path tokenFile = HeadJobs.driverTokenFile(token, HeadJobs.jobsDir(),
        n.options().nodeId().toString());
    Map<String, String> env = new HashMap<>(Map.of("JRAY_ADDRESS", clusterAddress,
        AttachTarget.VARIABLE, attach));
    if (tls != null) {
      env.putAll(tls.environment()); // their link to the head, and their stream, speak TLS too
    }
    SessionProcesses drivers = new SessionProcesses(host, port, tokenFile,
        NodeProcesses.logDir(), env);
    Duration grace = Duration.ofSeconds(Long.getLong(GRACE_PROPERTY, 30));
    Path packages = Path.of(System.getProperty("java.io.tmpdir"), "jray", "client-packages");
    RayClientServer.deploy(n.getVertx(), new RayClientServer.Options(host, port,
            token.token(), grace, packages, drivers, tls))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return "jray://" + host + ":" + port;
  }
}
