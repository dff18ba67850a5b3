package dev.jray.jobs.internals;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.DriverProcess;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
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
 * job_id instead. Each carries Ray's driver_info (id, node_ip_address, pid). Blocking (GCS).
 */
public final class DriverJobs {
  private DriverJobs() {}

  /** A driver: its job record, its process (null if it recorded none) and its node's IP. */
  record Driver(JobRecord job, DriverProcess process, String nodeIp) {
    /** Ray's DriverInfo: {@code id}, {@code node_ip_address}, {@code pid} (a string). */
    JsonObject info() {
      return new JsonObject().put("id", job.jobId().toHex())
          .put("node_ip_address", nodeIp == null ? "" : nodeIp)
          .put("pid", process == null ? "" : Long.toString(process.pid()));
    }

    String nodeId() {
      return job.driverNodeId() == null ? null : job.driverNodeId().toHex();
    }
  }

  /**
   * The drivers in the GCS job table: those a submitted job started (by its submission id), and
   * those started by hand.
   */
  public record Drivers(Map<String, Driver> bySubmission, List<Driver> handStarted) {
    /** Ray's DRIVER entries of the hand-started drivers. */
    public List<JsonObject> details() {
      return handStarted.stream().map(DriverJobs::details).toList();
    }

    /** {@code submission} with its driver's job_id, node and driver_info, if its driver has joined. */
    public JsonObject withDriver(JsonObject submission) {
      Driver driver = bySubmission.get(submission.getString("submission_id"));
      if (driver != null) {
        submission.put("job_id", driver.job().jobId().toHex()).put("driver_node_id", driver.nodeId())
            .put("driver_info", driver.info());
      }
      return submission;
    }

    /** The submission whose driver has this job id (hex), or null. */
    public String submissionOf(String jobIdHex) {
      return bySubmission.entrySet().stream()
          .filter(e -> e.getValue().job().jobId().toHex().equalsIgnoreCase(jobIdHex))
          .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The hand-started driver with this job id (hex), or null. */
    public JsonObject find(String jobIdHex) {
      return handStarted.stream().filter(d -> d.job().jobId().toHex().equalsIgnoreCase(jobIdHex))
          .map(DriverJobs::details).findFirst().orElse(null);
    }
  }

  public static Drivers read(Gcs gcs) {
    Map<String, Driver> bySubmission = new HashMap<>();
    List<Driver> handStarted = new ArrayList<>();
    List<JobRecord> all = new ArrayList<>(gcs.jobs().snapshot().values());
    all.sort(Comparator.comparingLong(JobRecord::startTimeMs));
    Map<UniqueId, String> ips = new HashMap<>();
    for (JobRecord j : all) {
      String hex = j.jobId().toHex();
      Driver d = new Driver(j, DriverProcess.parse(gcs.kv().get(JobRecord.DRIVER_PROCESS_KEY_PREFIX + hex)),
          j.driverNodeId() == null ? null : ips.computeIfAbsent(j.driverNodeId(), id -> ipOf(gcs, id)));
      byte[] submission = gcs.kv().get(JobRecord.SUBMISSION_KEY_PREFIX + hex);
      if (submission == null) {
        handStarted.add(d);
      } else {
        bySubmission.put(new String(submission, StandardCharsets.UTF_8), d);
      }
    }
    return new Drivers(bySubmission, handStarted);
  }

  /** The node's IP (its address without the port), or null if the GCS has no such node. */
  private static String ipOf(Gcs gcs, UniqueId node) {
    NodeRecord n = gcs.nodes().get(node);
    return n == null || n.address() == null ? null : n.address().replaceFirst(":\\d+$", "");
  }

  private static JsonObject details(Driver d) {
    JobRecord j = d.job();
    return new JsonObject()
        .put("type", "DRIVER")
        .put("job_id", j.jobId().toHex())
        .put("submission_id", (String) null)
        .put("driver_info", d.info())
        .put("status", (j.isFinished() ? JobStatus.SUCCEEDED : JobStatus.RUNNING).name())
        .put("entrypoint", d.process() == null ? "" : d.process().commandLine())
        .put("message", (String) null)
        .put("error_type", (String) null)
        .put("start_time", j.startTimeMs())
        .put("end_time", j.isFinished() ? j.endTimeMs() : null)
        .put("metadata", new JsonObject()) // Ray's job config metadata: jray's drivers set none
        .put("runtime_env", new JsonObject())
        .put("driver_agent_http_address", (String) null)
        .put("driver_node_id", d.nodeId())
        .put("driver_exit_code", (Integer) null)
        .put("namespace", j.namespace());
  }
}
