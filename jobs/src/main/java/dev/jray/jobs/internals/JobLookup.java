package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the job a path's {@code {job_or_submission_id}} names, for every job route alike (as
 * Ray's find_job_by_ids): a submission by its id, else the submission whose driver has that job
 * id, else a hand-started driver by its job id. Blocking (GCS, supervisor).
 */
public final class JobLookup {
  /** Ray's answers when an action only submissions have is asked of a DRIVER job. */
  public static final String STOP_OF_DRIVER = "Can only stop submission type jobs";
  public static final String DELETE_OF_DRIVER = "Can only delete submission type jobs";
  public static final String LOGS_OF_DRIVER = "Can only get logs of submission type jobs";

  private final Gcs gcs;
  private final JobSupervisor supervisor;

  public JobLookup(Gcs gcs, JobSupervisor supervisor) {
    this.gcs = gcs;
    this.supervisor = supervisor;
  }

  /** A job found: its submission id and details, or (submission id null) a DRIVER job's details. */
  public record Found(String submissionId, JsonObject details) {}

  /** @throws ApiError 404 if no job has this submission id or job id */
  public Found find(String id) {
    DriverJobs.Drivers drivers = DriverJobs.read(gcs);
    JsonObject submitted = submitted(id);
    if (submitted == null && drivers.submissionOf(id) != null) {
      submitted = submitted(drivers.submissionOf(id));
    }
    if (submitted != null) {
      return new Found(submitted.getString("submission_id"), drivers.withDriver(submitted));
    }
    JsonObject driver = drivers.find(id);
    if (driver == null) {
      throw ApiError.notFound("Job '" + id + "' does not exist: no submission_id or job_id is '"
          + id + "'");
    }
    return new Found(null, driver);
  }

  /** The submission's details, or null if none has this id. */
  private JsonObject submitted(String submissionId) {
    try {
      return supervisor.details(submissionId);
    } catch (ApiError notFound) {
      return null;
    }
  }

  /**
   * The submission id of the job {@code id} names.
   *
   * @param ofDriver Ray's message if it names a DRIVER job
   * @throws ApiError 404 if unknown, 400 with {@code ofDriver} if a DRIVER job
   */
  public String submission(String id, String ofDriver) {
    Found found = find(id);
    if (found.submissionId() == null) {
      throw ApiError.badRequest(ofDriver);
    }
    return found.submissionId();
  }

  /** Every job as Ray's list_jobs gives them: the submissions first, then the drivers. */
  public JsonArray list() {
    DriverJobs.Drivers drivers = DriverJobs.read(gcs);
    List<Object> all = new ArrayList<>();
    supervisor.list().forEach(job -> all.add(drivers.withDriver(job)));
    all.addAll(drivers.details());
    return new JsonArray(all);
  }
}
