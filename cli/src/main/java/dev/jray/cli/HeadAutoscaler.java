package dev.jray.cli;

import dev.jray.autoscaler.Autoscaler;
import dev.jray.autoscaler.ClusterSpec;
import dev.jray.autoscaler.ClusterYaml;
import dev.jray.autoscaler.LocalNodeProvider;
import dev.jray.autoscaler.NodeProvider;
import dev.jray.kubernetes.KubernetesNodeProvider;
import dev.jray.node.ClusterNode;
import java.io.IOException;
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
 * The head's autoscaler ({@code jray start --head --autoscaling-config cluster.yaml}, or {@code
 * jray up}): every {@value #PERIOD_SECONDS} s, while this node leads, an {@link Autoscaler} pass
 * over the cluster, launching and removing the cluster YAML's worker nodes through its provider:
 * processes on this machine ({@code provider.type: local}) or pods ({@code kubernetes}, the head
 * itself a pod of deploy/kubernetes/). Closing it removes the local nodes it launched; pods
 * outlive it, for the head the Deployment starts again to adopt.
 *
 * <p>Threading: the passes run on one thread of its own; {@link #close} from any thread.
 */
final class HeadAutoscaler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeadAutoscaler.class);
  /** As Ray's autoscaler's update interval. */
  static final int PERIOD_SECONDS = 5;

  private final NodeProvider provider;
  private final ScheduledExecutorService thread;

  private HeadAutoscaler(NodeProvider provider, ScheduledExecutorService thread) {
    this.provider = provider;
    this.thread = thread;
  }

  /**
   * Reads the cluster YAML.
   *
   * @throws IllegalArgumentException naming the file and the key at fault
   */
  static ClusterSpec read(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
    }
    ClusterSpec spec;
    try {
      spec = ClusterYaml.parse(yaml);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return spec; // (ClusterYaml knows the provider types: local, kubernetes)
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
   * Starts the passes on {@code node}, whose nodes join through {@code clusterAddress}.
   *
   * @param startOptions options of {@code jray start} the launched local nodes get (token, TLS);
   *     pods get the token from the Secret the cluster YAML names
   */
  static HeadAutoscaler start(ClusterSpec spec, ClusterNode node, String clusterAddress,
      List<String> startOptions) {
    NodeProvider provider = "kubernetes".equals(spec.providerType())
        ? KubernetesNodeProvider.connect(spec, System::currentTimeMillis)
        : localProvider(clusterAddress, startOptions);
    Autoscaler autoscaler = new Autoscaler(spec, provider, node.gcs(), System::currentTimeMillis);
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jray-autoscaler");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(() -> {
      try {
        if (node.isLeader()) {
          autoscaler.tick();
        }
      } catch (RuntimeException e) {
        LOG.warn("an autoscaler pass failed", e);
      }
    }, 1, PERIOD_SECONDS, TimeUnit.SECONDS);
    LOG.info("autoscaler of cluster {} on: {} provider, node types {}, at most {} workers",
        spec.clusterName(), spec.providerType(), spec.nodeTypes().keySet(), spec.maxWorkers());
    return new HeadAutoscaler(provider, thread);
  }

  /** Nodes as processes of this jar on this machine, joining through {@code clusterAddress}. */
  private static LocalNodeProvider localProvider(String clusterAddress, List<String> startOptions) {
    List<String> jvm = new ArrayList<>();
    jvm.add(ProcessHandle.current().info().command().orElse("java"));
    jvm.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    String cache = System.getProperty("jray.cache-dir");
    if (cache != null) {
      jvm.add("-Djray.cache-dir=" + cache); // the nodes run from the head's cached jar
    }
    jvm.addAll(List.of("-jar", NodeJvm.ownCode().toString()));
    return new LocalNodeProvider(jvm, startOptions, clusterAddress, NodeProcesses.logDir(),
        System::currentTimeMillis);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    provider.release(); // local nodes go with the head; pods stay for the next head to adopt
  }
}
