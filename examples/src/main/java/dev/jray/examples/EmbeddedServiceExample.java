package dev.jray.examples;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.jray.api.Ray;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Vert.x HTTP service that is also a node of a jray cluster: it clusters its own {@code Vertx}
 * with Hazelcast into the cluster, deploys jray's {@code NodeVerticle} by name, and its request
 * handler submits tasks, which run anywhere in the cluster, without blocking the event loop.
 *
 * <p>It needs the cluster token, from the file the head wrote ({@code JRAY_CLUSTER_TOKEN_FILE},
 * else {@code $JRAY_HOME/cluster-token}, else {@code ~/.jray/cluster-token}): its Hazelcast
 * cluster name is derived from it, and the node guards the application's event bus with it.
 *
 * <pre>
 * bin/jray start --head --port 6379
 * java -cp verticles/target/jray.jar dev.jray.examples.EmbeddedServiceExample 127.0.0.1:6379 8080
 * curl 'http://127.0.0.1:8080/square?n=12'
 * </pre>
 */
public final class EmbeddedServiceExample {
  private EmbeddedServiceExample() {}

  /** The remote function the handler calls. */
  public static long square(long n) {
    return n * n;
  }

  public static void main(String[] args) throws Exception {
    String head = args.length > 0 ? args[0] : "127.0.0.1:6379";
    int httpPort = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    Path tokenFile = tokenFile();
    Vertx vertx = await(Vertx.builder()
        .withClusterManager(new HazelcastClusterManager(hazelcastJoining(head, tokenFile)))
        .buildClustered());
    // a node of its own (1 CPU here); the application becomes its driver
    await(vertx.deployVerticle("dev.jray.node.NodeVerticle", new DeploymentOptions()
        .setConfig(new JsonObject().put("resources", new JsonObject().put("CPU", 1))
            .put("tokenFile", tokenFile.toString()))));
    await(vertx.createHttpServer().requestHandler(req -> {
      long n;
      try {
        n = Long.parseLong(req.getParam("n", "7"));
      } catch (NumberFormatException e) {
        req.response().setStatusCode(400).end("n must be a whole number\n");
        return;
      }
      // called on the event loop: submit, and answer when the result arrives, never blocking
      Future.fromCompletionStage(
              Ray.task(EmbeddedServiceExample::square, n).remote().toCompletableFuture(),
              vertx.getOrCreateContext())
          .onSuccess(v -> req.response().end(n + " squared is " + v + ", computed by jray\n"))
          .onFailure(e -> req.response().setStatusCode(500).end(e.getMessage() + "\n"));
    }).listen(httpPort, "127.0.0.1"));
    System.out.println("serving http://127.0.0.1:" + httpPort + "/square?n=12 as a node of the "
        + "jray cluster at " + head);
  }

  /** The file of the cluster token, where jray's head writes it. */
  private static Path tokenFile() {
    String file = System.getenv("JRAY_CLUSTER_TOKEN_FILE");
    if (file != null) {
      return Path.of(file);
    }
    String home = System.getenv("JRAY_HOME");
    return (home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".jray"))
        .resolve("cluster-token");
  }

  /**
   * The cluster's Hazelcast name, as jray derives it from the token: "jray-" and the first 32 hex
   * digits of HMAC-SHA256(token, "hazelcast-cluster-name"). Keep it secret as the token.
   */
  private static String clusterName(Path tokenFile) throws Exception {
    byte[] token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip()
        .getBytes(StandardCharsets.US_ASCII);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(token, "HmacSHA256"));
    byte[] derived = mac.doFinal("hazelcast-cluster-name".getBytes(StandardCharsets.UTF_8));
    return "jray-" + HexFormat.of().formatHex(derived).substring(0, 32);
  }

  /** Hazelcast on loopback, joining the jray head by TCP-IP only. */
  private static Config hazelcastJoining(String head, Path tokenFile) throws Exception {
    Config config = new Config();
    config.setClusterName(clusterName(tokenFile));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.getNetworkConfig().setPort(0).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember(head);
    return config;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
