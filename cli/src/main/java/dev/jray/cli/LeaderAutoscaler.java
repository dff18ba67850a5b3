package dev.jray.cli;

import dev.jray.autoscaler.Autoscaler;
import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.ClusterYaml;
import dev.jray.autoscaler.LaunchedNodes;
import dev.jray.autoscaler.LocalNodeProvider;
import dev.jray.autoscaler.NodeProvider;
import dev.jray.kubernetes.KubernetesNodeProvider;
import dev.jray.node.ClusterNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's autoscaler, on whichever member leads: every {@value #PERIOD_SECONDS} s, on every
 * node, a pass that runs only while the node leads and the cluster has an autoscaling config,
 * which the head publishes to the GCS ({@value #CONFIG_KEY}) from {@code jray start --head
 * --autoscaling-config cluster.yaml} (or {@code jray up}). So when the head dies, the next leader
 * runs the passes: it reads the config, adopts the launched nodes ({@code LaunchedNodes}, or the
 * pods by label) and goes on launching and removing the cluster YAML's worker nodes: processes on
 * this machine ({@code provider.type: local}) or pods ({@code kubernetes}, the head itself a pod
 * of deploy/kubernetes/). The head's graceful stop withdraws the config and removes the local
 * nodes; pods outlive it, for the head the Deployment starts again to adopt.
 *
 * <p>Threading: the passes run on one thread of its own, which owns the current autoscaler;
 * {@link #close} from any thread.
 */
final class LeaderAutoscaler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderAutoscaler.class);
  /** As Ray's autoscaler's update interval. */
  static final int PERIOD_SECONDS = 5;
  /** GCS KV: the cluster YAML the head runs with, for whichever member leads. */
  static final String CONFIG_KEY = "autoscaler:config";

  private final ClusterNode node;
  private final String clusterAddress;
  private final List<String> startOptions;
  /** The spec this node published (it is the head), else null. */
  private final ClusterSpec published;
  private final ScheduledExecutorService thread;
  /** The YAML the current autoscaler runs; the passes' thread only. */
  private String runningYaml;
  private Autoscaler autoscaler;

  private LeaderAutoscaler(ClusterNode node, String clusterAddress, List<String> startOptions,
      ClusterSpec published) {
    this.node = node;
    this.clusterAddress = clusterAddress;
    this.startOptions = List.copyOf(startOptions);
    this.published = published;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jray-autoscaler");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads the cluster YAML.
   *
   * @throws IllegalArgumentException naming the file and the key at fault
   */
  static ClusterSpec read(Path file) {
    return parse(file.toString(), text(file));
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static ClusterSpec parse(String source, String yaml) {
    try {
      return ClusterYaml.parse(yaml); // (ClusterYaml knows the provider types: local, kubernetes)
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the cluster YAML of a cluster that {@code command} ({@code up}, {@code down}) runs on
   * this machine: a {@code local} provider's.
   *
   * @throws IllegalArgumentException naming the file and the key at fault
   */
  static ClusterSpec readLocal(Path file, String command) {
    ClusterSpec spec = read(file);
    if (!"local".equals(spec.providerType())) {
      throw new IllegalArgumentException(file + ": provider.type: '" + spec.providerType()
          + "': jray " + command + " runs local clusters only; on Kubernetes the head runs the"
          + " autoscaler from the manifests' cluster YAML: kubectl "
          + (command.equals("down") ? "delete" : "apply") + " -f deploy/kubernetes/");
    }
    return spec;
  }

  /**
   * Starts the passes on {@code node}, whose launched nodes join through {@code clusterAddress}.
   *
   * @param headConfig the head's {@code --autoscaling-config}, already checked with {@link
   *     #read}, which it publishes; null on other nodes
   * @param startOptions options of {@code jray start} the launched local nodes get (token, TLS);
   *     pods get the token from the Secret the cluster YAML names
   */
  static LeaderAutoscaler start(ClusterNode node, String clusterAddress,
      List<String> startOptions, Path headConfig) {
    ClusterSpec spec = null;
    if (headConfig != null) {
      String yaml = text(headConfig);
      spec = parse(headConfig.toString(), yaml);
      node.gcs().kv().put(CONFIG_KEY, yaml.getBytes(StandardCharsets.UTF_8));
      LOG.info("autoscaler of cluster {}: {} provider, node types {}, at most {} workers",
          spec.clusterName(), spec.providerType(), spec.nodeTypes().keySet(), spec.maxWorkers());
    }
    LeaderAutoscaler a = new LeaderAutoscaler(node, clusterAddress, startOptions, spec);
    a.thread.scheduleWithFixedDelay(a::pass, 1, PERIOD_SECONDS, TimeUnit.SECONDS);
    return a;
  }

  /** One pass, if this node leads and the cluster autoscales. */
  private void pass() {
    try {
      if (!node.isLeader()) {
        return;
      }
      byte[] config = node.gcs().kv().get(CONFIG_KEY);
      String yaml = config == null ? null : new String(config, StandardCharsets.UTF_8);
      if (yaml == null) {
        autoscaler = null;
        runningYaml = null;
        return;
      }
      if (!yaml.equals(runningYaml)) {
        runningYaml = yaml;
        ClusterSpec spec = parse(CONFIG_KEY, yaml);
        autoscaler = new Autoscaler(spec, provider(spec), node.gcs(), System::currentTimeMillis);
        LOG.info("this node leads: it runs the autoscaler of cluster {}", spec.clusterName());
      }
      autoscaler.tick();
    } catch (RuntimeException e) {
      LOG.warn("an autoscaler pass failed", e);
    }
  }

  private NodeProvider provider(ClusterSpec spec) {
    return "kubernetes".equals(spec.providerType())
        ? KubernetesNodeProvider.connect(spec, System::currentTimeMillis)
        : localProvider();
  }

  /** Nodes as processes of this jar on this machine, joining through the cluster address. */
  private LocalNodeProvider localProvider() {
    List<String> jvm = new ArrayList<>();
    jvm.add(ProcessHandle.current().info().command().orElse("java"));
    jvm.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    String cache = System.getProperty("jray.cache-dir");
    if (cache != null) {
      jvm.add("-Djray.cache-dir=" + cache); // the nodes run from this node's cached jar
    }
    jvm.addAll(List.of("-jar", NodeJvm.ownCode().toString()));
    return new LocalNodeProvider(jvm, startOptions, clusterAddress, NodeProcesses.logDir(),
        System::currentTimeMillis, new LaunchedNodes(node.gcs()),
        node.node().options().host());
  }

  /**
   * Stops the passes. The head also withdraws its config and releases its provider's nodes:
   * local ones go with it, pods stay for the next head.
   */
  @Override
  public void close() {
    thread.shutdownNow();
    if (published != null) {
      try {
        node.gcs().kv().remove(CONFIG_KEY);
        provider(published).release();
      } catch (RuntimeException e) {
        LOG.warn("releasing the autoscaler's nodes", e);
      }
    }
  }
}
