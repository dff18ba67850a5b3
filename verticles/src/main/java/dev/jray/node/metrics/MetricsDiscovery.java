package dev.jray.node.metrics;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's Prometheus file-based service discovery, as Ray's {@code
 * /tmp/ray/prom_metrics_service_discovery.json}: a JSON list {@code [{"labels": {"job":
 * "jray"}, "targets": ["host:port", ...]}]} of every live node's metrics endpoint ({@link
 * MetricsEndpoints}), read from the GCS every {@link #INTERVAL_MS} ms and written (replaced
 * whole, atomically) when it changed, so nodes joining and leaving show within a second or two.
 * It also removes the records of nodes that died (a node that stops removes its own): those
 * recorded dead when it starts, then those it listed that are gone.
 *
 * <p>Threading: a Vert.x timer hands each pass to a worker thread, one pass at a time (a tick
 * while one runs is skipped); {@code written} and {@code listed} are touched by the passes only.
 */
public final class MetricsDiscovery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsDiscovery.class);
  /** Ray's file name, under {@code $TMPDIR/jray} by default. */
  public static final String FILE_NAME = "prom_metrics_service_discovery.json";
  static final long INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final Gcs gcs;
  private final Path file;
  private final long timer;
  /** Whether a pass runs: a tick while the GCS is slow adds none behind it. */
  private final AtomicBoolean passing = new AtomicBoolean();
  /** The text last written; null before the first write. */
  private String written;
  /**
   * The nodes listed in the last pass: one missing now has left, so its record goes; null before
   * the first pass, which removes the records of every node recorded dead (died while no head
   * watched).
   */
  private Set<UniqueId> listed;

  private MetricsDiscovery(Vertx vertx, Gcs gcs, Path file) {
    this.vertx = vertx;
    this.gcs = gcs;
    this.file = file;
    this.timer = vertx.setPeriodic(0, INTERVAL_MS, t -> {
      if (passing.compareAndSet(false, true)) {
        vertx.executeBlocking(() -> {
          pass();
          return null;
        }, true).onComplete(r -> {
          passing.set(false);
          if (r.failed()) {
            LOG.debug("writing {}", file, r.cause());
          }
        });
      }
    });
  }

  /** {@code $TMPDIR/jray/prom_metrics_service_discovery.json}. */
  public static Path defaultFile() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", FILE_NAME);
  }

  /**
   * Keeps {@code file} listing the live nodes' endpoints until closed; its directory is created.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static MetricsDiscovery start(Vertx vertx, Gcs gcs, Path file) {
    Objects.requireNonNull(file, "file");
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of " + file, e);
    }
    return new MetricsDiscovery(vertx, gcs, file);
  }

  private void pass() throws IOException {
    if (listed == null) {
      MetricsEndpoints.removeOfDeadNodes(gcs);
      listed = Set.of();
    }
    List<MetricsEndpoints.Endpoint> endpoints = MetricsEndpoints.ofLiveNodes(gcs);
    Set<UniqueId> now = new HashSet<>();
    JsonArray targets = new JsonArray();
    for (MetricsEndpoints.Endpoint e : endpoints) {
      now.add(e.nodeId());
      targets.add(e.target());
    }
    for (UniqueId gone : listed) {
      if (!now.contains(gone)) {
        MetricsEndpoints.remove(gcs, gone);
      }
    }
    listed = now;
    String text = new JsonArray().add(new JsonObject()
        .put("labels", new JsonObject().put("job", "jray")).put("targets", targets))
        .encodePrettily() + "\n";
    if (!text.equals(written)) {
      write(text);
      written = text;
    }
  }

  /** Replaces the file whole: Prometheus never reads half of it. */
  private void write(String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The file it writes. */
  public Path file() {
    return file;
  }

  /** Stops updating the file; it keeps what it last said. */
  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
