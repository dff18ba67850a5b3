package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.jobs.JobStatus;
import dev.jray.jobs.JobsApiLease;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs a starting supervisor begins with. When the cluster still runs and its GCS holds jobs
 * ({@link ReplicatedJobs}), the node that served the Jobs API died or stopped: they are taken over
 * as they were, and the nodes their entrypoints ran on that are gone are named, so that their jobs
 * fail. Else the cluster was started again: the jobs come from this node's history ({@link
 * JobHistory}), and those left unfinished are FAILED, as their entrypoints stopped with the
 * cluster.
 *
 * @param jobs in submission order
 * @param takenOver whether they come from the GCS
 * @param failed those read back unfinished from the history, FAILED now
 * @param goneNodes nodes that ran or started entrypoints of jobs taken over and are gone
 */
record RestoredJobs(List<JobEntry> jobs, boolean takenOver, Set<JobEntry> failed,
    Set<String> goneNodes) {
  private static final Logger LOG = LoggerFactory.getLogger(RestoredJobs.class);

  /** Reads the GCS, else the history (blocks on both). */
  static RestoredJobs load(Gcs gcs, JobHistory history, Path runsDir, long nowMs) {
    List<ReplicatedJobs.Replica> replicated = ReplicatedJobs.load(gcs);
    List<JobEntry> jobs = new ArrayList<>();
    Set<JobEntry> failed = new LinkedHashSet<>();
    Set<String> gone = new LinkedHashSet<>();
    if (!replicated.isEmpty()) {
      for (ReplicatedJobs.Replica r : replicated) {
        try {
          JobEntry e = JobEntry.takeOver(r, logOf(runsDir, r.id()));
          jobs.add(e);
          if (!e.status.isTerminal() && e.node != null && !JobsApiLease.alive(gcs, e.node)) {
            gone.add(e.node);
          }
        } catch (RuntimeException bad) {
          LOG.warn("GCS: skipping job " + r.id() + ", its record is unreadable: " + bad.getMessage());
        }
      }
      return new RestoredJobs(jobs, true, failed, gone);
    }
    for (JobHistory.Stored stored : history.load()) {
      String id = stored.details().getString("submission_id");
      try {
        boolean unfinished = !JobStatus.valueOf(stored.details().getString("status"))
            .isTerminal();
        JobEntry e = JobEntry.restore(stored.seq(), stored.details(), logOf(runsDir, id), nowMs);
        jobs.add(e);
        if (unfinished) {
          failed.add(e);
        }
      } catch (RuntimeException bad) {
        LOG.warn("job history: skipping job " + id + ", its record is unreadable: " + bad.getMessage());
      }
    }
    return new RestoredJobs(jobs, false, failed, gone);
  }

  private static Path logOf(Path runsDir, String id) {
    return runsDir.resolve(id).resolve("driver.log");
  }
}
