package dev.jray.examples;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.jray.api.Ray;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x HTTP service that is also a node of a jray cluster: it clusters its own {@code Vertx}
 * with Hazelcast into the cluster, deploys jray's {@code NodeVerticle} by name, and its request
 * handler submits tasks, which run anywhere in the cluster, without blocking the event loop.
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
    Vertx vertx = await(Vertx.builder()
        .withClusterManager(new HazelcastClusterManager(hazelcastJoining(head)))
        .buildClustered());
    // a node of its own (1 CPU here); the application becomes its driver
    await(vertx.deployVerticle("dev.jray.node.NodeVerticle", new DeploymentOptions()
        .setConfig(new JsonObject().put("resources", new JsonObject().put("CPU", 1)))));
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

  /** Hazelcast on loopback, joining the jray head by TCP-IP only. */
  private static Config hazelcastJoining(String head) {
    Config config = new Config();
    config.setClusterName("jray");
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
