package dev.jray.jobs;

/** A job's status, with Ray's names and meanings (ray.job_submission.JobStatus). */
public enum JobStatus {
  /** Accepted, waiting to be admitted by its queue or for its entrypoint to start. */
  PENDING,
  /** The entrypoint runs. */
  RUNNING,
  /** Stopped by a user before it finished. */
  STOPPED,
  /** The entrypoint exited with code 0. */
  SUCCEEDED,
  /** The entrypoint exited with another code, or could not start. */
  FAILED;

  /** A status that never changes again. */
  public boolean isTerminal() {
    return this == STOPPED || this == SUCCEEDED || this == FAILED;
  }
}
