package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.jobs.JobStatus;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * The drivers in the GCS job table (each {@code Ray.init()} that joined the cluster) as Ray lists
 * them beside submissions: type {@code DRIVER}, RUNNING until the driver leaves, then SUCCEEDED.
 * Blocking (GCS).
 */
public final class DriverJobs {
  private DriverJobs() {}

  public static List<JsonObject> list(Gcs gcs) {
    return gcs.jobs().snapshot().values().stream()
        .sorted(Comparator.comparingLong(JobRecord::startTimeMs))
        .map(DriverJobs::details).toList();
  }

  /** The driver with this job id (hex), or null. */
  public static JsonObject find(Gcs gcs, String jobIdHex) {
    return gcs.jobs().snapshot().values().stream()
        .filter(j -> j.jobId().toHex().equalsIgnoreCase(jobIdHex))
        .map(DriverJobs::details).findFirst().orElse(null);
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
