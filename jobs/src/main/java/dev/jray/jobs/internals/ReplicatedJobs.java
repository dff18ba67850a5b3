package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's jobs, mirrored in the GCS's KV table (which keeps backups on other members), so
 * that when the node serving the Jobs API dies, the supervisor that takes over on another node
 * finds every job as it was: queued jobs still queued, running ones still running on their nodes.
 * The history ({@link JobHistory}) keeps them on the serving node's disk, for a cluster started
 * again; this keeps them in the cluster, for the next supervisor.
 *
 * <p>Threading: thread-safe. Writes run on one thread of their own, in the order asked, so a job's
 * last state is the one that stays and the caller's lock is not held across the network.
 */
final class ReplicatedJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedJobs.class);
  /** KV keys: this prefix and the submission id. */
  static final String PREFIX = "jobs:submission:";

  private final Gcs gcs;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "jray-job-replicas");
    t.setDaemon(true);
    return t;
  });

  ReplicatedJobs(Gcs gcs) {
    this.gcs = gcs;
  }

  /** A job as the supervisor left it: its details, submission order and process state. */
  record Replica(long seq, JsonObject details, boolean started, boolean stopRequested) {
    String id() {
      return details.getString("submission_id");
    }
  }

  /**
   * Writes a job's state (replacing what it had), after every write asked before; returns at once.
   *
   * @return done once the GCS has it; failed if it could not be written
   */
  CompletableFuture<Void> save(Replica job) {
    byte[] value = new JsonObject().put("seq", job.seq()).put("details", job.details())
        .put("started", job.started()).put("stop_requested", job.stopRequested())
        .encode().getBytes(StandardCharsets.UTF_8);
    String key = PREFIX + job.id();
    return CompletableFuture.runAsync(() -> gcs.kv().put(key, value), writer)
        .whenComplete((v, e) -> {
          if (e != null) {
            LOG.warn("cannot write job " + job.id() + " to the GCS: " + e.getMessage());
          }
        });
  }

  /** Deletes a job's state, after every write asked before; returns at once. */
  void delete(String submissionId) {
    writer.execute(() -> {
      try {
        gcs.kv().remove(PREFIX + submissionId);
      } catch (RuntimeException e) {
        LOG.warn("cannot delete job " + submissionId + " from the GCS: " + e.getMessage());
      }
    });
  }

  /** Every job the GCS holds, oldest first; a record that cannot be read is skipped, logged. */
  static List<Replica> load(Gcs gcs) {
    List<Replica> jobs = new ArrayList<>();
    for (String key : gcs.kv().keys()) {
      if (!key.startsWith(PREFIX)) {
        continue;
      }
      byte[] value = gcs.kv().get(key);
      if (value == null) {
        continue; // deleted meanwhile
      }
      try {
        JsonObject j = new JsonObject(new String(value, StandardCharsets.UTF_8));
        jobs.add(new Replica(j.getLong("seq"), j.getJsonObject("details"),
            j.getBoolean("started", false), j.getBoolean("stop_requested", false)));
      } catch (RuntimeException e) {
        LOG.warn("skipping the GCS record " + key + ": " + e.getMessage());
      }
    }
    jobs.sort(Comparator.comparingLong(Replica::seq));
    return jobs;
  }

  /** Writes what was asked, then stops its thread; does not wait. */
  @Override
  public void close() {
    writer.shutdown();
  }
}
