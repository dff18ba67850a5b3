package dev.jray.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray job submit [options] -- ENTRYPOINT...}: Ray's {@code ray job submit}. Uploads the
 * local working dir and jars as packages, submits, prints the submission id and, unless {@code
 * --no-wait}, follows the log and exits with the job's outcome (1 if it FAILED, as Ray does).
 */
@Command(name = "submit", description = "Submit a job: jray job submit [options] -- ENTRYPOINT...")
final class JobSubmitCommand implements Callable<Integer> {
  /** Words the shell would split or drop, double-quoted in the entrypoint as Ray's CLI does. */
  private static final Pattern NEEDS_QUOTES = Pattern.compile("^$|[\\s\"]");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Option(names = "--submission-id", description = "The job's id (default: one the server makes).")
  String submissionId;

  @Option(names = "--job-id", hidden = true, description = "Deprecated: use --submission-id.")
  String jobId;

  @Option(names = "--runtime-env", description = "A YAML (or JSON) file holding the runtime env.")
  Path runtimeEnvFile;

  @Option(names = "--runtime-env-json", description = "The runtime env as JSON: working_dir,"
      + " java_jars, env_vars, jvm_options.")
  String runtimeEnvJson;

  @Option(names = "--working-dir", description = "A local directory or .zip uploaded as the job's"
      + " working directory (overrides runtime_env.working_dir).")
  String workingDir;

  @Option(names = "--metadata-json", description = "Metadata to attach to the job, as a JSON object.")
  String metadataJson;

  @Option(names = "--entrypoint-num-cpus", converter = OptionValues.Amount.class,
      description = "CPUs reserved for the entrypoint (driver).")
  Double entrypointNumCpus;

  @Option(names = "--entrypoint-num-gpus", converter = OptionValues.Amount.class,
      description = "GPUs reserved for the entrypoint (driver).")
  Double entrypointNumGpus;

  @Option(names = "--entrypoint-memory", converter = OptionValues.Bytes.class,
      description = "Memory in bytes reserved for the entrypoint (driver).")
  Long entrypointMemory;

  @Option(names = "--entrypoint-resources", description = "Custom resources for the entrypoint,"
      + " as a JSON object, e.g. '{\"A\":1}'.")
  String entrypointResources;

  @Option(names = "--priority", description = "The job's priority in its queue: higher is admitted"
      + " first (default 0).")
  Integer priority;

  @Option(names = "--queue", description = "The queue to wait in (default: the default queue).")
  String queue;

  @Option(names = "--no-wait", description = "Do not follow the logs and wait for the job to end.")
  boolean noWait;

  @Parameters(paramLabel = "ENTRYPOINT", arity = "1..*",
      description = "The command to run, after --, e.g. -- java -cp app.jar Main")
  List<String> entrypoint;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JobsClient client = server.jobsClient(out);
    if (jobId != null) {
      out.println("--job-id option is deprecated. Please use --submission-id instead.");
    }
    JsonObject request = request(client);
    String id = client.submit(request);
    JobCommand.banner(out, "Job '" + id + "' submitted successfully");
    out.println("Next steps");
    out.println("  Query the logs of the job:");
    out.println("    java -jar jray.jar job logs " + id);
    out.println("  Query the status of the job:");
    out.println("    java -jar jray.jar job status " + id);
    out.println("  Request the job to be stopped:");
    out.println("    java -jar jray.jar job stop " + id);
    out.println();
    if (noWait) {
      out.flush();
      return 0;
    }
    out.println("Tailing logs until the job exits (disable with --no-wait):");
    out.flush();
    String status = JobCommand.follow(client, id, out);
    return "FAILED".equals(status) ? 1 : 0;
  }

  /** The {@code POST /api/jobs/} body, its local packages uploaded first. */
  JsonObject request(JobsClient client) {
    JsonObject request = new JsonObject().put("entrypoint", entrypoint(entrypoint));
    if (submissionId != null || jobId != null) {
      request.put("submission_id", submissionId != null ? submissionId : jobId);
    }
    if (runtimeEnvFile != null && runtimeEnvJson != null) {
      throw new IllegalArgumentException("Only one of --runtime-env and --runtime-env-json can be provided.");
    }
    JsonObject runtimeEnv = runtimeEnvFile != null ? RuntimeEnvFile.read(runtimeEnvFile)
        : runtimeEnvJson == null ? new JsonObject() : jsonObject(runtimeEnvJson, "--runtime-env-json");
    if (workingDir != null) {
      runtimeEnv.put("working_dir", workingDir);
    }
    if (!runtimeEnv.isEmpty()) {
      request.put("runtime_env", RuntimeEnvPackages.upload(runtimeEnv, client));
    }
    if (metadataJson != null) {
      request.put("metadata", jsonObject(metadataJson, "--metadata-json"));
    }
    if (entrypointNumCpus != null) {
      request.put("entrypoint_num_cpus", entrypointNumCpus);
    }
    if (entrypointNumGpus != null) {
      request.put("entrypoint_num_gpus", entrypointNumGpus);
    }
    if (entrypointMemory != null) {
      request.put("entrypoint_memory", entrypointMemory);
    }
    if (entrypointResources != null) {
      request.put("entrypoint_resources", jsonObject(entrypointResources, "--entrypoint-resources"));
    }
    if (priority != null) {
      request.put("priority", priority);
    }
    if (queue != null) {
      request.put("queue", queue);
    }
    return request;
  }

  /**
   * The entrypoint words as one shell command line, as Ray's CLI joins them: a word with white
   * space (or none at all) in double quotes, so the head's shell still expands {@code $VARS} such
   * as {@code $CLASSPATH}, which is set there.
   */
  static String entrypoint(List<String> words) {
    return words.stream()
        .map(w -> NEEDS_QUOTES.matcher(w).find()
            ? "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : w)
        .collect(Collectors.joining(" "));
  }

  private static JsonObject jsonObject(String text, String option) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(option + " is not a JSON object: " + text);
    }
  }
}
