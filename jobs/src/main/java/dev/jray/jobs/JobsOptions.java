package dev.jray.jobs;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.time.Time;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the head serves jobs.
 *
 * @param host the address the HTTP server binds to
 * @param port its port ({@code --dashboard-port}, 8265 as Ray's; 0 for any free one)
 * @param jobsDir where jobs' logs and files go ({@code $JRAY_HOME/jobs} or {@code ~/.jray/jobs})
 * @param clusterAddress the cluster's {@code host:port}, given to drivers as JRAY_ADDRESS
 * @param token the cluster token every request must carry
 * @param tokenFile the token's file, given to drivers as JRAY_CLUSTER_TOKEN_FILE
 * @param queues the per-queue quotas ({@code --job-queues}); a queue not named has none
 * @param stopGrace how long a stopped job has between SIGTERM and SIGKILL
 * @param retention how long ended jobs stay in the history ({@code --job-history-retention})
 * @param tls null for plain HTTP; else HTTPS with the node's certificate, and drivers get the
 *     same TLS settings
 * @param driverEnv more variables for every entrypoint, read as each one starts: the head's
 *     {@value #CLASSPATH_ENV} and {@value #JAVA_OPTIONS_ENV}; null for none
 */
public record JobsOptions(String host, int port, Path jobsDir, String clusterAddress,
    ClusterToken token, Path tokenFile, Map<String, QueueQuota> queues, Duration stopGrace,
    HistoryRetention retention, Time time, TlsSettings tls, Supplier<Map<String, String>> driverEnv) {
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
    Objects.requireNonNull(clusterAddress, "clusterAddress");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tokenFile, "tokenFile");
    queues = Map.copyOf(queues);
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(time, "time");
    if (driverEnv == null) {
      driverEnv = Map::of;
    }
  }
}
