package dev.jray.cli;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.EntrypointHostOptions;
import dev.jray.jobs.EntrypointHostVerticle;
import dev.jray.jobs.EntrypointPlacement;
import dev.jray.jobs.EntrypointResources;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobsHttpVerticle;
import dev.jray.jobs.JobsOptions;
import dev.jray.jobs.QueueQuota;
import dev.jray.node.ClusterNode;
import dev.jray.node.NodeVerticle;
import dev.jray.resources.ResourceSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The head's Jobs API (issue #19): {@link JobsHttpVerticle} deployed on the head node's Vert.x, on
 * {@code --dashboard-port}; and every node's entrypoint host, which runs the entrypoints it places. A port already taken leaves the head running without it, as Ray's head
 * runs on when its dashboard cannot start.
 */
final class HeadJobs {
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
          JobsOptions.DEFAULT_STOP_GRACE, retention, Time.SYSTEM, tls, placement(node.node()));
      JobsHttpVerticle jobs = JobsHttpVerticle.deploy(node.node().getVertx(), options, node.gcs())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      node.whenNodeLeaves(gone -> jobs.nodeLeft(gone.toString()));
      return jobs;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("jray: the Jobs API is not served: it could not start on "
          + JobsHttpVerticle.url(tls, host, port)
          + ": " + cause.getMessage());
      return null;
    }
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
    EntrypointHostOptions options = new EntrypointHostOptions(n.options().nodeId().toString(), dir,
        clusterAddress, driverTokenFile(token, dir, n.options().nodeId().toString()), tls,
        driverJvm(), Time.SYSTEM);
    EntrypointHostVerticle.deploy(n.getVertx(), options, node.gcs(), new EntrypointResources() {
      @Override
      public boolean hold(String submissionId, Map<String, Double> resources) {
        return n.scheduler().hold("entrypoint:" + submissionId, ResourceSet.of(resources));
      }

      @Override
      public void release(String submissionId) {
        n.scheduler().unhold("entrypoint:" + submissionId);
      }
    }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
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
  private static Path driverTokenFile(TokenSources.Found token, Path jobsDir, String nodeId)
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
