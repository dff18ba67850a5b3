package dev.jray.gcs.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.gcs.Gcs;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads a running cluster's GCS from outside it (e.g. {@code jray status}), as a Hazelcast client:
 * it joins no cluster and holds no data.
 */
public final class GcsClient {
  private static final long CONNECT_TIMEOUT_MS = 5_000;
  // JUL keeps loggers weakly: hold this one so its level sticks.
  private static final Logger HAZELCAST_LOGGER = Logger.getLogger("com.hazelcast");

  private GcsClient() {}

  /**
   * Connects to the cluster whose head (or any member) is at {@code address}. Blocks up to 5 s.
   *
   * @param address "host:port" of a member
   * @return the GCS; closing it disconnects
   * @throws IllegalStateException naming the address if no jray cluster answers there
   */
  public static Gcs connect(String address) {
    return connect(address, ClusterConfig.DEFAULT_CLUSTER_NAME);
  }

  /** As {@link #connect(String)}, to a cluster of another name. */
  static Gcs connect(String address, String clusterName) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.getNetworkConfig().addAddress(address);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(CONNECT_TIMEOUT_MS);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    HAZELCAST_LOGGER.setLevel(Level.SEVERE);
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("No jray cluster answers at " + address + ": "
          + e.getMessage(), e);
    }
    return new HazelcastGcs(client, true);
  }
}
