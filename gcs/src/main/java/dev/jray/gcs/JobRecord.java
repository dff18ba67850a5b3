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
