package dev.jray.jobs;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the head serves jobs.
 *
 * @param host the address the HTTP server binds to
 * @param port its port ({@code --dashboard-port}, 8265 as Ray's; 0 for any free one)
 * @param jobsDir where jobs' logs (copied from their nodes) and history go ({@code
 *     $JRAY_HOME/jobs} or {@code ~/.jray/jobs})
 * @param token the cluster token every request must carry
 * @param queues the per-queue quotas ({@code --job-queues}); a queue not named has none
 * @param stopGrace how long a stopped job has between SIGTERM and SIGKILL
 * @param retention how long ended jobs stay in the history ({@code --job-history-retention})
 * @param tls null for plain HTTP; else HTTPS with the node's certificate
 * @param placement which node's {@link EntrypointHostVerticle} runs each entrypoint
 * @param nodeId the serving node's id, which holds the {@link JobsApiLease} while it serves
 */
public record JobsOptions(String host, int port, Path jobsDir, ClusterToken token,
    Map<String, QueueQuota> queues, Duration stopGrace, HistoryRetention retention, Time time,
    TlsSettings tls, EntrypointPlacement placement, String nodeId) {
  public static final int DEFAULT_PORT = 8265;
  /** The entrypoint's variable naming the head's {@code jray.jar}: put it first on the class path. */
  public static final String CLASSPATH_ENV = "JRAY_CLASSPATH";
  /**
   * The entrypoint's variable of JVM options that map the class archive of the head's {@code
   * jray.jar} (empty until there is one): a driver started with them, {@value #CLASSPATH_ENV} first
   * on its class path, joins in about half the time. Harmless with another class path.
   */
  public static final String JAVA_OPTIONS_ENV = "JRAY_JAVA_OPTIONS";
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(3);

  public JobsOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(jobsDir, "jobsDir");
    Objects.requireNonNull(token, "token");
    queues = Map.copyOf(queues);
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(nodeId, "nodeId");
  }
}
