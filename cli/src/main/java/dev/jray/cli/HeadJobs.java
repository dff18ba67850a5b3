package dev.jray.cli;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.EntrypointHostOptions;
import dev.jray.jobs.EntrypointHostVerticle;
import dev.jray.jobs.EntrypointPlacement;
import dev.jray.jobs.EntrypointResources;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobsApiLease;
import dev.jray.jobs.JobsHttpVerticle;
import dev.jray.jobs.JobsOptions;
import dev.jray.node.NodeLogVerticle;
import dev.jray.jobs.QueueQuota;
import dev.jray.node.AttachTarget;
import dev.jray.node.ClusterNode;
import dev.jray.node.NodeVerticle;
import dev.jray.resources.ResourceSet;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The head's Jobs API (issue #19): {@link JobsHttpVerticle} deployed on the head node's Vert.x, on
 * {@code --dashboard-port}; and every node's entrypoint host, which runs the entrypoints it places. A port already taken leaves the head running without it, as Ray's head
 * runs on when its dashboard cannot start.
 */
final class HeadJobs {
  /** How long the leader leaves a gone API to a member named for it. */
  private static final Duration LEADER_DEFERS = Duration.ofSeconds(3);
  /** How long a node waits after it failed to start the API before it tries again. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private HeadJobs() {}

  /** {@code $JRAY_HOME/jobs}, else {@code ~/.jray/jobs}: beside the default token file. */
  static Path jobsDir() {
    return TokenSources.ofProcess().defaultFile().toAbsolutePath().getParent().resolve("jobs");
  }

  /** Whether the dashboard port is free, for the launcher to say so before its node starts. */
  static boolean portFree(String host, int port) {
    try {
      ClusterConfig.checkPortFree(host, port);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * Deploys the Jobs API, or prints one line saying why it is not served. It runs each entrypoint
   * on the head, or, when the job asks for entrypoint resources, on a node with room for them
   * ({@link #placement}); a node that leaves fails the jobs whose entrypoints it ran.
   *
   * @return the verticle, or null if it could not start
   */
  static JobsHttpVerticle start(ClusterNode node, TokenSources.Found token, String host, int port,
      Map<String, QueueQuota> queues, HistoryRetention retention, TlsSettings tls) {
    try {
      JobsOptions options = new JobsOptions(host, port, jobsDir(), token.token(), queues,
          JobsOptions.DEFAULT_STOP_GRACE, retention, Time.SYSTEM, tls, placement(node.node()),
          node.node().options().nodeId().toString());
      JobsHttpVerticle jobs = JobsHttpVerticle.deploy(node.node().getVertx(), options, node.gcs())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      node.whenNodeLeaves(gone -> jobs.nodeLeft(gone.toString()));
      return jobs;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("jray: the Jobs API is not served on "
          + JobsHttpVerticle.url(tls, host, port) + ": " + cause.getMessage());
      return null;
    }
  }

  /**
   * Makes this node serve the Jobs API once the node that served it is gone (after head death), if
   * it is the one to: a member named for it ({@code --jobs-api-standby}) at once, the leader after
   * {@link #LEADER_DEFERS} (so a named member goes first). The API comes back on this node's
   * dashboard port with the queues and retention the last one served with, and takes over its jobs
   * from the GCS. Checks every second off the event loop; after a failed start, waits {@link
   * #RETRY_AFTER}. Only a cluster that served the API once gets it back.
   */
  static void standBy(ClusterNode node, TokenSources.Found token, String host, int port,
      TlsSettings tls, boolean named) {
    Vertx vertx = node.node().getVertx();
    long[] goneSinceMs = {-1};
    long[] nextTryMs = {0};
    boolean[] serving = {false};
    vertx.setPeriodic(1_000, t -> vertx.executeBlocking(() -> {
      long now = System.currentTimeMillis();
      if (serving[0] || now < nextTryMs[0]) {
        return null;
      }
      JobsApiLease.Holder last = JobsApiLease.last(node.gcs());
      if (last == null || JobsApiLease.serving(node.gcs()) != null) {
        goneSinceMs[0] = -1;
        return null;
      }
      if (!named && !node.isLeader()) {
        return null;
      }
      if (goneSinceMs[0] < 0) {
        goneSinceMs[0] = now;
      }
      if (!named && now - goneSinceMs[0] < LEADER_DEFERS.toMillis()) {
        return null;
      }
      JobsHttpVerticle jobs = start(node, token, host, port, last.queues(), last.retention(), tls);
      if (jobs == null) {
        nextTryMs[0] = now + RETRY_AFTER.toMillis();
      } else {
        serving[0] = true;
        System.out.println("jray: node " + node.node().options().nodeId() + " serves the Jobs API"
            + " now, at " + jobs.url() + " (node " + last.nodeId() + " served it)");
      }
      return null;
    }, false));
  }

  /**
   * As Ray places a job's entrypoint: on the head when it asks for no resources, else on the head
   * if they are free there, else on the node with the most room that has them free (from the
   * nodes' resource reports, debited as it picks), else nowhere for now.
   */
  static EntrypointPlacement placement(NodeVerticle head) {
    UniqueId self = head.options().nodeId();
    return needs -> {
      ResourceSet shape = ResourceSet.of(needs);
      if (shape.isEmpty() || shape.fitsIn(head.scheduler().available())) {
        return self.toString();
      }
      return head.view().reserveRoom(shape, self).map(UniqueId::toString).orElse(null);
    };
  }

  /**
   * Deploys this node's entrypoint host, which runs the jobs' entrypoints the head places here,
   * holding their resources from this node's tasks. Blocks until it answers.
   *
   * @param clusterAddress the members the entrypoints' drivers join through
   */
  static void startEntrypointHost(ClusterNode node, TokenSources.Found token,
      String clusterAddress, TlsSettings tls) throws Exception {
    Path dir = jobsDir();
    NodeVerticle n = node.node();
    Supplier<Map<String, String>> jvm = driverJvm();
    // the drivers of the jobs this node starts attach to it, as a Ray driver to its raylet
    String attach = new AttachTarget(n.options().nodeId(),
        new ClusterAddress(n.options().host(), n.linkPort())).toString();
    EntrypointHostOptions options = new EntrypointHostOptions(n.options().nodeId().toString(), dir,
        clusterAddress, driverTokenFile(token, dir, n.options().nodeId().toString()), tls,
        () -> {
          Map<String, String> env = new HashMap<>(jvm.get());
          env.put(AttachTarget.VARIABLE, attach);
          return env;
        }, Time.SYSTEM);
    Future<?> host = EntrypointHostVerticle.deploy(n.getVertx(), options, node.gcs(), new EntrypointResources() {
      @Override
      public boolean hold(String submissionId, Map<String, Double> resources) {
        return n.scheduler().hold("entrypoint:" + submissionId, ResourceSet.of(resources));
      }

      @Override
      public void release(String submissionId) {
        n.scheduler().unhold("entrypoint:" + submissionId);
      }
    });
    // beside it, deployed meanwhile, what serves this node's log to the head's dashboard
    Future<?> log = NodeLogVerticle.deploy(n.getVertx(), n.options().nodeId().toString());
    Future.all(host, log).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * {@link JobsOptions#CLASSPATH_ENV} and {@link JobsOptions#JAVA_OPTIONS_ENV} for entrypoints: the
   * jar this head runs from (the cached copy when it runs from the {@link NodeClassArchive}'s
   * cache) and the options that map that archive, once a node JVM has written it. None when the
   * head does not run from a jar.
   */
  static Supplier<Map<String, String>> driverJvm() {
    Path own = NodeJvm.ownCode();
    if (!Files.isRegularFile(own)) {
      return Map::of;
    }
    Optional<NodeClassArchive> archive = NodeClassArchive.ofRunningJar(own);
    String classPath = archive.map(NodeClassArchive::jar).orElse(own).toString();
    return () -> Map.of(JobsOptions.CLASSPATH_ENV, classPath, JobsOptions.JAVA_OPTIONS_ENV,
        String.join(" ", archive.map(NodeClassArchive::useOptions).orElse(List.of())));
  }

  /**
   * The file drivers read the token from: the node's own, else (a token given as text in the
   * environment) a copy in the jobs directory, readable by this user only, one per node (nodes
   * may share the directory).
   */
  static Path driverTokenFile(TokenSources.Found token, Path jobsDir, String nodeId)
      throws IOException {
    if (token.file() != null) {
      return token.file().toAbsolutePath();
    }
    Files.createDirectories(jobsDir);
    Path copy = jobsDir.resolve("driver-token-" + nodeId);
    Files.deleteIfExists(copy);
    token.token().write(copy);
    copy.toFile().deleteOnExit();
    return copy;
  }
}
