package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.jobs.JobStatus;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The drivers in the GCS job table (each {@code Ray.init()} that joined the cluster) as Ray lists
 * them beside submissions: type {@code DRIVER}, RUNNING until the driver leaves, then SUCCEEDED;
 * a submitted job's driver (its KV entry names the submission) shows as that submission's
 * job_id instead. Blocking (GCS).
 */
public final class DriverJobs {
  private DriverJobs() {}

  /**
   * The drivers in the GCS job table: those a submitted job started (by its submission id), and
   * those started by hand.
   */
  public record Drivers(Map<String, JobRecord> bySubmission, List<JobRecord> handStarted) {
    /** Ray's DRIVER entries of the hand-started drivers. */
    public List<JsonObject> details() {
      return handStarted.stream().map(DriverJobs::details).toList();
    }

    /** {@code submission} with its driver's job_id and node, if its driver has joined. */
    public JsonObject withDriver(JsonObject submission) {
      JobRecord driver = bySubmission.get(submission.getString("submission_id"));
      if (driver != null) {
        String node = driver.driverNodeId() == null ? null : driver.driverNodeId().toHex();
        submission.put("job_id", driver.jobId().toHex()).put("driver_node_id", node)
            .put("driver_info", new JsonObject().put("id", driver.jobId().toHex()).put("node_id", node));
      }
      return submission;
    }

    /** The submission whose driver has this job id (hex), or null. */
    public String submissionOf(String jobIdHex) {
      return bySubmission.entrySet().stream()
          .filter(e -> e.getValue().jobId().toHex().equalsIgnoreCase(jobIdHex))
          .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The hand-started driver with this job id (hex), or null. */
    public JsonObject find(String jobIdHex) {
      return handStarted.stream().filter(j -> j.jobId().toHex().equalsIgnoreCase(jobIdHex))
          .map(DriverJobs::details).findFirst().orElse(null);
    }
  }

  public static Drivers read(Gcs gcs) {
    Map<String, JobRecord> bySubmission = new HashMap<>();
    List<JobRecord> handStarted = new ArrayList<>();
    List<JobRecord> all = new ArrayList<>(gcs.jobs().snapshot().values());
    all.sort(Comparator.comparingLong(JobRecord::startTimeMs));
    for (JobRecord j : all) {
      byte[] submission = gcs.kv().get(JobRecord.SUBMISSION_KEY_PREFIX + j.jobId().toHex());
      if (submission == null) {
        handStarted.add(j);
      } else {
        bySubmission.put(new String(submission, StandardCharsets.UTF_8), j);
      }
    }
    return new Drivers(bySubmission, handStarted);
  }

  private static JsonObject details(JobRecord j) {
    return new JsonObject()
        .put("type", "DRIVER")
        .put("job_id", j.jobId().toHex())
        .put("submission_id", (String) null)
        .put("driver_info", new JsonObject().put("id", j.jobId().toHex())
            .put("node_id", j.driverNodeId() == null ? null : j.driverNodeId().toHex()))
        .put("status", (j.isFinished() ? JobStatus.SUCCEEDED : JobStatus.RUNNING).name())
        .put("entrypoint", "")
        .put("message", (String) null)
        .put("error_type", (String) null)
        .put("start_time", j.startTimeMs())
        .put("end_time", j.isFinished() ? j.endTimeMs() : null)
        .put("metadata", new JsonObject().put("namespace", j.namespace()))
        .put("runtime_env", new JsonObject())
        .put("driver_agent_http_address", (String) null)
        .put("driver_node_id", j.driverNodeId() == null ? null : j.driverNodeId().toHex())
        .put("driver_exit_code", (Integer) null);
  }
}
