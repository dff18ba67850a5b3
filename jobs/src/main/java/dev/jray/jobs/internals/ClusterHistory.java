package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.time.Time;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * {@code GET /api/cluster_history}: the dashboard's charts over the last {@link #CAPACITY} samples
 * ({@link ClusterStatus#sample}), one every {@link #INTERVAL_MS} ms (10 minutes in all), kept on
 * the head so a reloaded page draws its charts at once. Lost with the head.
 *
 * <p>Threading: {@code samples} and {@code timer} are owned by the HTTP verticle's event loop,
 * which starts it, answers from it and receives each sample; the GCS read runs in
 * executeBlocking.
 */
public final class ClusterHistory {
  public static final long INTERVAL_MS = 2_000;
  static final int CAPACITY = 300;

  private final Vertx vertx;
  private final Gcs gcs;
  private final Time time;
  private final ArrayDeque<JsonObject> samples = new ArrayDeque<>();
  private long timer = -1;
  /** Whether a read is under way: a slow GCS delays samples rather than piling reads up. */
  private boolean reading;

  public ClusterHistory(Vertx vertx, Gcs gcs, Time time) {
    this.vertx = vertx;
    this.gcs = gcs;
    this.time = time;
  }

  /** Samples now and every {@link #INTERVAL_MS}. On the event loop. */
  public void start() {
    timer = vertx.setPeriodic(0, INTERVAL_MS, t -> sampleOnce());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void sampleOnce() {
    if (reading) {
      return;
    }
    reading = true;
    vertx.executeBlocking(() -> ClusterStatus.sample(ClusterStatus.read(gcs, time.milliseconds())), false)
        .onComplete(r -> {
          reading = false;
          if (r.succeeded()) {
            add(r.result());
          }
        });
  }

  /**
   * Adds a sample, with the tasks that ended per second since the one before ({@code
   * tasks_per_second}: null for the first; a node that left takes its count along, so a drop
   * reads 0).
   */
  void add(JsonObject sample) {
    JsonObject last = samples.peekLast();
    Double rate = null;
    if (last != null && sample.getLong("t") > last.getLong("t")) {
      long ended = sample.getLong("tasks_ended_total", 0L) - last.getLong("tasks_ended_total", 0L);
      rate = Math.max(0, ended) * 1000.0 / (sample.getLong("t") - last.getLong("t"));
    }
    sample.put("tasks_per_second", rate);
    if (samples.size() == CAPACITY) {
      samples.removeFirst();
    }
    samples.addLast(sample);
  }

  /** {@code {interval_ms, capacity, samples: [oldest ... newest]}}. On the event loop. */
  public JsonObject toJson() {
    return new JsonObject().put("interval_ms", INTERVAL_MS).put("capacity", CAPACITY)
        .put("samples", new JsonArray(new java.util.ArrayList<>(samples)));
  }
}
