package dev.jray.node.metrics;

import dev.jray.api.id.UniqueId;
import dev.jray.node.NodeVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A node's metrics, in Prometheus's text format: the JVM's (memory, GC, threads, classes,
 * CPU, uptime, file descriptors), the Vert.x's that jray builds for the node ({@link
 * #vertxMetrics()}), and jray's own with Ray's meanings under jray's names ({@link #bind}). Every
 * series carries the node's id as its {@code NodeId} label.
 *
 * <p>jray's meters read counts the node keeps anyway, when scraped: recording them costs the
 * task, actor and transfer paths nothing beyond a counter increment.
 *
 * <p>Threading: thread-safe. {@link #scrape} reads the node's counts on a worker thread.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The label every series carries: the node's id in hex. */
  public static final String NODE_ID_LABEL = "NodeId";
  private final PrometheusMeterRegistry registry;
  /** The JVM's meters, bound on a thread of their own: a tenth of a second off the node's start. */
  private final CompletableFuture<JvmGcMetrics> jvmMeters;
  /** jray's meters, once bound; set once, by {@link #bind}. */
  private volatile JrayMeters jray;

  /** The registry of node {@code nodeId}; the JVM's meters are bound meanwhile, before any scrape. */
  public NodeMetrics(UniqueId nodeId) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(NODE_ID_LABEL, Objects.requireNonNull(nodeId, "nodeId").toHex());
    jvmMeters = CompletableFuture.supplyAsync(this::bindJvmMeters, task -> {
      Thread binder = new Thread(task, "jray-metrics-jvm");
      binder.setDaemon(true);
      binder.start();
    });
  }

  private JvmGcMetrics bindJvmMeters() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return gc;
  }

  /** Vert.x's metrics into this registry: give it to the builder of the node's Vert.x. */
  public VertxMetricsFactory vertxMetrics() {
    return new MicrometerMetricsFactory(registry);
  }

  /** Adds jray's meters of {@code node}. Called once, when the node has started. */
  public void bind(NodeVerticle node) {
    if (jray != null) {
      throw new IllegalStateException("the metrics are bound to node " + node.options().nodeId()
          + " already");
    }
    jray = new JrayMeters(registry, node);
  }

  /**
   * The metrics now, in Prometheus's text format (version 0.0.4). Asks the node's placement
   * service for its groups on the event bus, then reads the counts and writes the text on a
   * worker thread. Called on any thread; never blocks.
   */
  public Future<String> scrape(Vertx vertx) {
    JrayMeters meters = jray;
    Future<JsonObject> groups = Future.fromCompletionStage(jvmMeters.handle((gc, failed) -> gc)).compose(gc -> meters == null
        ? Future.succeededFuture(null) : meters.placementStats(vertx));
    return groups.compose(placement -> vertx.executeBlocking(() -> {
      if (meters != null) {
        meters.refresh(placement);
      }
      return registry.scrape();
    }, false));
  }

  /** The registry, for an embedding application or a test to add to or read. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    jvmMeters.thenAccept(JvmGcMetrics::close); // now, or once bound
    registry.close();
  }
}
