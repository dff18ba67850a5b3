package dev.jray.jobs.internals;

import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code POST /api/jobs/} request, checked: Ray's JobSubmitRequest fields, plus jray's {@code
 * priority} (higher first, default 0) and {@code queue} (default {@value #DEFAULT_QUEUE}).
 */
public record JobSubmission(String submissionId, String entrypoint, RuntimeEnv runtimeEnv,
    Map<String, String> metadata, double numCpus, double numGpus, long memory,
    Map<String, Double> resources, int priority, String queue) {
  public static final String DEFAULT_QUEUE = "default";
  /** Submission ids name files and log paths: a safe alphabet, bounded. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final int MAX_ENTRYPOINT_CHARS = 64 * 1024;
  private static final Set<String> FIELDS = Set.of("entrypoint", "submission_id", "job_id",
      "runtime_env", "metadata", "entrypoint_num_cpus", "entrypoint_num_gpus", "entrypoint_memory",
      "entrypoint_resources", "entrypoint_label_selector", "priority", "queue");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Ray's generate_job_id alphabet: letters and digits without the confusable I, l, o, O, 0. */
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789".toCharArray();

  public JobSubmission {
    metadata = Map.copyOf(metadata);
    resources = Map.copyOf(resources);
  }

  /**
   * The request in {@code body}.
   *
   * @throws ApiError 400 naming the field that is missing, unknown or of the wrong type
   */
  public static JobSubmission parse(JsonObject body) {
    JsonFields f = new JsonFields(body, "");
    f.onlyKnown(FIELDS, "");
    String entrypoint = f.string("entrypoint");
    if (entrypoint == null || entrypoint.isBlank()) {
      throw ApiError.badField("entrypoint", "field 'entrypoint' is required: the shell command to run");
    }
    if (entrypoint.length() > MAX_ENTRYPOINT_CHARS) {
      throw ApiError.badField("entrypoint", "field 'entrypoint' is longer than " + MAX_ENTRYPOINT_CHARS + " characters");
    }
    String id = f.string("submission_id");
    String deprecatedId = f.string("job_id"); // Ray's old name of submission_id
    if (id == null) {
      id = deprecatedId;
    }
    if (id == null) {
      id = newSubmissionId();
    } else if (!ID.matcher(id).matches()) {
      throw ApiError.badField("submission_id", "field 'submission_id' must be 1 to 128 of"
          + " A-Z a-z 0-9 _ . -, got '" + (id.length() > 140 ? id.substring(0, 140) + "..." : id) + "'");
    }
    Long memory = f.integer("entrypoint_memory");
    if (memory != null && memory < 0) {
      throw ApiError.badField("entrypoint_memory", "field 'entrypoint_memory' must be >= 0, got " + memory);
    }
    Long priority = f.integer("priority");
    if (priority != null && (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE)) {
      throw ApiError.badField("priority", "field 'priority' must fit in 32 bits, got " + priority);
    }
    String queue = f.string("queue");
    if (queue != null && !ID.matcher(queue).matches()) {
      throw ApiError.badField("queue", "field 'queue' must be 1 to 128 of A-Z a-z 0-9 _ . -");
    }
    // Ray's node label selector for the entrypoint: checked as Ray checks it; jray's nodes have no labels
    f.stringMap("entrypoint_label_selector");
    Double cpus = f.number("entrypoint_num_cpus");
    Double gpus = f.number("entrypoint_num_gpus");
    return new JobSubmission(id, entrypoint, RuntimeEnv.parse(f.object("runtime_env")),
        f.stringMap("metadata"), cpus == null ? 0 : cpus, gpus == null ? 0 : gpus,
        memory == null ? 0 : memory, f.numberMap("entrypoint_resources"),
        priority == null ? 0 : priority.intValue(), queue == null ? DEFAULT_QUEUE : queue);
  }

  /** The request as {@link #parse} reads it back. */
  public JsonObject json() {
    return new JsonObject()
        .put("entrypoint", entrypoint)
        .put("submission_id", submissionId)
        .put("runtime_env", runtimeEnv.json().copy())
        .put("metadata", new JsonObject(new LinkedHashMap<>(metadata)))
        .put("entrypoint_num_cpus", numCpus)
        .put("entrypoint_num_gpus", numGpus)
        .put("entrypoint_memory", memory)
        .put("entrypoint_resources", new JsonObject(new LinkedHashMap<>(resources)))
        .put("priority", priority)
        .put("queue", queue);
  }

  /** As Ray names generated submissions: {@code raysubmit_} and 16 random characters of its alphabet. */
  static String newSubmissionId() {
    StringBuilder id = new StringBuilder("raysubmit_");
    for (int i = 0; i < 16; i++) {
      id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
