package dev.jray.gcs;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/** A job (one driver run) in the GCS job table. */
public record JobRecord(JobId jobId, String namespace, UniqueId driverNodeId, long startTimeMs,
    long endTimeMs) implements Serializable {

  public boolean isFinished() {
    return endTimeMs > 0;
  }

  public JobRecord finished(long atMs) {
    return new JobRecord(jobId, namespace, driverNodeId, startTimeMs, atMs);
  }
}
