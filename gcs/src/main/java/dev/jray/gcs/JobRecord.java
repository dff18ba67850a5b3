package dev.jray.gcs;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.List;

/**
 * A job (one driver run) in the GCS job table.
 *
 * @param packages ids of the code packages (in the GCS KV) its tasks load classes from
 */
public record JobRecord(JobId jobId, String namespace, UniqueId driverNodeId, long startTimeMs,
    long endTimeMs, List<String> packages) implements Serializable {
  /** Set by the head's job supervisor for a submitted job's entrypoint: its submission id. */
  public static final String SUBMISSION_ID_ENV = "JRAY_SUBMISSION_ID";
  /**
   * GCS KV key prefix, then the job id in hex: the submission id a driver started by a submitted
   * job ran for (UTF-8), so the Jobs API lists the two as one job.
   */
  public static final String SUBMISSION_KEY_PREFIX = "job-submission:";
  /**
   * GCS KV key prefix, then the job id in hex: the driver's process ({@link DriverProcess}), which
   * the Jobs API shows as Ray's driver_info.pid and a DRIVER job's entrypoint.
   */
  public static final String DRIVER_PROCESS_KEY_PREFIX = "job-driver:";

  public JobRecord {
    packages = List.copyOf(packages);
  }

  public boolean isFinished() {
    return endTimeMs > 0;
  }

  public JobRecord finished(long atMs) {
    return new JobRecord(jobId, namespace, driverNodeId, startTimeMs, atMs, packages);
  }
}
