package dev.jray.gcs.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.security.ClusterToken;
import java.util.List;

/**
 * Reads a running cluster's GCS from outside it (e.g. {@code jray status}), as a Hazelcast client:
 * it joins no cluster and holds no data. It connects under the cluster name derived from the
 * token ({@link ClusterConfig#clusterNameOf}) and decodes what {@link GcsSerializationFilter}
 * allows only.
 */
public final class GcsClient {
  private static final long CONNECT_TIMEOUT_MS = 5_000;

  private GcsClient() {}

  /**
   * Connects to the cluster of {@code token} through any live member of {@code address} (the
   * head, or any other member once the head is gone). Blocks up to 5 s (and 2 s per address more
   * to tell why it failed).
   *
   * @param address "host:port" of a member, or several separated by commas (see {@link
   *     ClusterAddress#parseList})
   * @return the GCS; closing it disconnects
   * @throws IllegalArgumentException if the address is not one
   * @throws IllegalStateException naming the address if no jray cluster answers there, or the
   *     cluster there has another token
   */
  public static Gcs connect(String address, ClusterToken token) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(ClusterConfig.clusterNameOf(token));
    for (ClusterAddress member : ClusterAddress.parseList(address)) {
      config.getNetworkConfig().addAddress(member.toString());
    }
    // its users read (status, up): a read whose member left meanwhile (the autoscaler removes
    // idle ones) is sent again to another instead of failing the command
    config.getNetworkConfig().setRedoOperation(true);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(CONNECT_TIMEOUT_MS);
    config.getSerializationConfig()
        .setJavaSerializationFilterConfig(GcsSerializationFilter.config(List.of()));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty(ClusterConfig.LOGGING_DETAILS, "false"); // it would log the cluster name
    HazelcastLogging.installForClient(); // a reader of the GCS: Hazelcast's errors only
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(config);
    } catch (RuntimeException e) {
      throw JoinFailures.clientCannotConnect(address, e);
    }
    return new HazelcastGcs(client, true);
  }
}
