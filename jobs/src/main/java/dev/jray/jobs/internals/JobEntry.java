package dev.jray.jobs.internals;

import dev.jray.jobs.JobStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One submitted job as the supervisor tracks it: its request, status and process.
 *
 * <p>Threading: not thread-safe; every field is guarded by the owning {@link JobSupervisor}'s lock.
 */
final class JobEntry {
  /** Ray's JobErrorType when the entrypoint exits with a code other than 0. */
  static final String COMMAND_ERROR = "JOB_ENTRYPOINT_COMMAND_ERROR";
  /** Ray's JobErrorType when the entrypoint cannot be started. */
  static final String START_ERROR = "JOB_ENTRYPOINT_COMMAND_START_ERROR";
  /** Ray's JobErrorType when the runtime_env cannot be set up (a package missing, a bad zip). */
  static final String RUNTIME_ENV_ERROR = "RUNTIME_ENV_SETUP_FAILURE";
  /**
   * Ray's JobErrorType when what ran the entrypoint went away with the job unfinished: the head
   * stopped (its history is read back), or the node that ran the entrypoint left the cluster.
   */
  static final String SUPERVISOR_DIED_ERROR = "JOB_SUPERVISOR_ACTOR_DIED";
  /** Ray's names of the error types an earlier jray recorded under its own. */
  private static final java.util.Map<String, String> RAYS_ERROR_TYPES = java.util.Map.of(
      "RUNTIME_ENV_SETUP_FAILED", RUNTIME_ENV_ERROR, "JOB_SUPERVISOR_DIED", SUPERVISOR_DIED_ERROR);
  /** Ray's message of a PENDING job; jray's detail of what it waits for follows. */
  static final String NOT_STARTED = "Job has not started yet.";
  /** Ray's message of a STOPPED job. */
  static final String STOPPED = "Job was intentionally stopped.";

  /** Ray's message of an entrypoint that exited with {@code exitCode} other than 0. */
  static String failedMessage(int exitCode, String logTail) {
    return logTail.isEmpty()
        ? "Job entrypoint command failed with exit code " + exitCode + ". No logs available."
        : "Job entrypoint command failed with exit code " + exitCode
            + ", last available logs (truncated to 20,000 chars):\n" + logTail;
  }


  final JobSubmission submission;
  /** Submission order: FIFO within a priority. */
  final long seq;
  final Path logFile;
  JobStatus status = JobStatus.PENDING;
  String message;
  String errorType;
  final long startTimeMs;
  long endTimeMs;
  Integer exitCode;
  /** The node its entrypoint runs or starts on, else null. */
  String node;
  /** Whether that node's host has started it. */
  boolean started;
  /** Whether a stop was asked for while it started or ran. */
  boolean stopRequested;
  /** Whether its exit was reported and its log is being copied to the head. */
  boolean copyingLog;

  JobEntry(JobSubmission submission, long seq, Path logFile, long startTimeMs) {
    this.submission = submission;
    this.seq = seq;
    this.logFile = logFile;
    this.startTimeMs = startTimeMs;
  }

  /**
   * A job read back from the history of a head that stopped: one it left unfinished is FAILED
   * now, as its entrypoint stopped with the head.
   *
   * @throws IllegalArgumentException if the stored details are not a job's
   */
  static JobEntry restore(long seq, JsonObject d, Path logFile, long nowMs) {
    JobEntry e = takeOver(new ReplicatedJobs.Replica(seq, d, false, false), logFile);
    if (!e.status.isTerminal()) {
      e.finish(JobStatus.FAILED, "The head stopped while the job was " + e.status
          + "; its entrypoint stopped with it.", SUPERVISOR_DIED_ERROR, nowMs);
    }
    return e;
  }

  /**
   * A job as the supervisor that served before this one left it in the GCS, unfinished ones
   * included: their entrypoints run on (or wait for) their nodes.
   *
   * @throws IllegalArgumentException if the stored details are not a job's
   */
  static JobEntry takeOver(ReplicatedJobs.Replica r, Path logFile) {
    JsonObject d = r.details();
    JsonObject request = new JsonObject();
    for (String field : new String[] {"entrypoint", "submission_id", "runtime_env", "metadata",
        "entrypoint_num_cpus", "entrypoint_num_gpus", "entrypoint_memory", "entrypoint_resources",
        "priority", "queue"}) {
      request.put(field, d.getValue(field));
    }
    JobSubmission s;
    try {
      s = JobSubmission.parse(request);
    } catch (ApiError e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    JobEntry e = new JobEntry(s, r.seq(), logFile, d.getLong("start_time", 0L));
    e.status = JobStatus.valueOf(d.getString("status"));
    e.message = d.getString("message");
    String errorType = d.getString("error_type");
    e.errorType = errorType == null ? null : RAYS_ERROR_TYPES.getOrDefault(errorType, errorType);
    e.exitCode = d.getInteger("driver_exit_code");
    e.node = d.getString("driver_node_id");
    e.endTimeMs = d.getLong("end_time") == null ? 0 : d.getLong("end_time");
    e.started = r.started();
    e.stopRequested = r.stopRequested();
    return e;
  }

  /** What the GCS keeps of it, for the supervisor that takes over after this one. */
  ReplicatedJobs.Replica replica() {
    return new ReplicatedJobs.Replica(seq, details(), started, stopRequested);
  }

  String id() {
    return submission.submissionId();
  }

  void finish(JobStatus terminal, String why, String error, long atMs) {
    status = terminal;
    message = why;
    errorType = error;
    endTimeMs = atMs;
  }

  /** Ray's JobDetails fields (type SUBMISSION), plus jray's priority and queue. */
  JsonObject details() {
    JobSubmission s = submission;
    return new JsonObject()
        .put("type", "SUBMISSION")
        .put("job_id", (String) null)
        .put("submission_id", s.submissionId())
        .put("driver_info", (Object) null)
        .put("status", status.name())
        .put("entrypoint", s.entrypoint())
        .put("message", status == JobStatus.PENDING && message != null
            && !message.startsWith(NOT_STARTED) ? NOT_STARTED + " " + message : message)
        .put("error_type", errorType)
        .put("start_time", startTimeMs)
        .put("end_time", endTimeMs > 0 ? endTimeMs : null)
        .put("metadata", new JsonObject(new java.util.LinkedHashMap<>(s.metadata())))
        .put("runtime_env", s.runtimeEnv().json().copy())
        .put("driver_agent_http_address", (String) null)
        .put("driver_node_id", node)
        .put("driver_exit_code", exitCode)
        .put("entrypoint_num_cpus", s.numCpus())
        .put("entrypoint_num_gpus", s.numGpus())
        .put("entrypoint_memory", s.memory())
        .put("entrypoint_resources", new JsonObject(new java.util.LinkedHashMap<>(s.resources())))
        .put("priority", s.priority())
        .put("queue", s.queue());
  }
}
