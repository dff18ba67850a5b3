package dev.jray.cluster.drivers;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.cluster.ClusteredVertx;
import dev.jray.gcs.security.ClusterToken;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code StrangerProbe <head host:port>}: a process without the cluster's token that tries to get
 * into it through Hazelcast, in parallel: a Hazelcast member and a Hazelcast client under the
 * cluster name jray had before it had tokens ({@code jray}), and a clustered Vert.x built as jray
 * builds one, with a token of its own. Prints {@code RESULT member=...}, {@code client=...} and
 * {@code bus=...}: what each got (cluster size and GCS node records seen, or the refusal).
 */
public final class StrangerProbe {
  /** The Hazelcast cluster name of every jray cluster before cluster tokens. */
  static final String OLD_CLUSTER_NAME = "jray";
  private static final String GCS_NODES = "jray.nodes";

  private StrangerProbe() {}

  public static void main(String[] args) throws Exception {
    String head = args[0];
    CompletableFuture<String> member = CompletableFuture.supplyAsync(() -> member(head));
    CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> client(head));
    CompletableFuture<String> bus = CompletableFuture.supplyAsync(() -> bus(head));
    Driver.result("member", member.get(90, TimeUnit.SECONDS));
    Driver.result("client", client.get(90, TimeUnit.SECONDS));
    Driver.result("bus", bus.get(90, TimeUnit.SECONDS));
    System.exit(0); // what Hazelcast or Vert.x left running must not keep the probe alive
  }

  /** A member under the old name, joining the head by TCP-IP: what cluster it ends up in. */
  private static String member(String head) {
    Config config = new Config();
    config.setClusterName(OLD_CLUSTER_NAME);
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).addMember(head);
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
    try {
      return "members=" + hazelcast.getCluster().getMembers().size() + " gcs-nodes="
          + hazelcast.getMap(GCS_NODES).size();
    } finally {
      hazelcast.shutdown();
    }
  }

  /** A client under the old name: whether it connects, and what GCS node records it reads. */
  private static String client(String head) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(OLD_CLUSTER_NAME);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.getNetworkConfig().addAddress(head);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(5_000);
    try {
      HazelcastInstance hazelcast = HazelcastClient.newHazelcastClient(config);
      try {
        return "connected gcs-nodes=" + hazelcast.getMap(GCS_NODES).size();
      } finally {
        hazelcast.shutdown();
      }
    } catch (RuntimeException e) {
      return "refused (" + e.getClass().getSimpleName() + ")";
    }
  }

  /** jray's own clustered Vert.x with a token of its own: whether it joins. */
  private static String bus(String head) {
    ClusterConfig config = ClusterConfig.member(head, "127.0.0.1", ClusterConfig.Role.DRIVER, true,
        ClusterToken.generate());
    try {
      ClusteredVertx joined = config.join("127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      joined.vertx().close();
      return "joined";
    } catch (ExecutionException e) {
      return "refused: " + e.getCause().getMessage();
    } catch (Exception e) {
      return "failed: " + e;
    }
  }
}
