package dev.jray.cli;

import dev.jray.gcs.cluster.ClusterConfig;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobsHttpVerticle;
import dev.jray.jobs.JobsOptions;
import dev.jray.jobs.QueueQuota;
import dev.jray.node.ClusterNode;
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
 * {@code --dashboard-port}. A port already taken leaves the head running without it, as Ray's head
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
   * Deploys the Jobs API, or prints one line saying why it is not served.
   *
   * @return the verticle, or null if it could not start
   */
  static JobsHttpVerticle start(ClusterNode node, TokenSources.Found token, String clusterAddress,
      String host, int port, Map<String, QueueQuota> queues, HistoryRetention retention,
      TlsSettings tls) {
    try {
      Path dir = jobsDir();
      JobsOptions options = new JobsOptions(host, port, dir, clusterAddress, token.token(),
          driverTokenFile(token, dir), queues, JobsOptions.DEFAULT_STOP_GRACE, retention, Time.SYSTEM,
          tls, driverJvm());
      JobsHttpVerticle jobs = JobsHttpVerticle.deploy(node.node().getVertx(), options, node.gcs())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
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
   * The file drivers read the token from: the head's own, else (a token given as text in the
   * environment) a copy in the jobs directory, readable by this user only.
   */
  private static Path driverTokenFile(TokenSources.Found token, Path jobsDir) throws IOException {
    if (token.file() != null) {
      return token.file().toAbsolutePath();
    }
    Path copy = jobsDir.resolve("driver-token");
    Files.deleteIfExists(copy);
    token.token().write(copy);
    return copy;
  }
}
