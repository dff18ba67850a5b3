package dev.jray.cli;

import dev.jray.gcs.time.Time;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray job}: Ray's {@code ray job} against the head's Jobs REST API, with Ray's output
 * lines and exit codes. The subcommands are nested here; {@code submit} has its own class.
 */
@Command(name = "job", description = "Submit, follow, stop and list jobs on a jray cluster.",
    subcommands = {JobSubmitCommand.class, JobCommand.Status.class, JobCommand.Logs.class,
        JobCommand.Stop.class, JobCommand.ListJobs.class, JobCommand.Delete.class})
final class JobCommand implements Runnable {
  static final Set<String> TERMINAL = Set.of("STOPPED", "SUCCEEDED", "FAILED");
  /** How often {@code stop} and a log follow without WebSocket ask for the job's state. */
  private static final long POLL_NANOS = 500_000_000L;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The options every subcommand shares, as Ray's: where the Jobs API is, the token it wants, extra
   * headers and TLS verification.
   */
  static final class Server {
    static final String DEFAULT_ADDRESS = "http://127.0.0.1:8265";

    @Option(names = "--address", description = "The head's Jobs API, http://HOST:DASHBOARD_PORT."
        + " Default: env RAY_API_SERVER_ADDRESS, else RAY_ADDRESS if it is an http(s) URL, else "
        + DEFAULT_ADDRESS + ".")
    String address;

    @Option(names = "--token-file", description = "The cluster token's file. Default:"
        + " JRAY_CLUSTER_TOKEN, JRAY_CLUSTER_TOKEN_FILE, else ~/.jray/cluster-token.")
    Path tokenFile;

    @Option(names = "--headers", description = "Extra HTTP headers for every request, as a JSON"
        + " object: '{\"key\": \"value\"}'.")
    String headers;

    @Option(names = "--verify", defaultValue = "true", description = "Verify the server's TLS"
        + " certificate: true (default), false, or a PEM file or directory of trusted certificates.")
    String verify;

    JobsClient client() {
      return new JobsClient(address(address, System::getenv),
          CommandTokens.forMember(tokenFile).token(), headers(headers), JobsTls.context(verify));
    }

    /** A client, after printing where it goes as Ray's {@code ray job} does first. */
    JobsClient jobsClient(PrintWriter out) {
      JobsClient client = client();
      out.println("Job submission server address: " + client.address());
      out.flush();
      return client;
    }

    /**
     * The Jobs API's address: {@code option}, else env RAY_API_SERVER_ADDRESS, else RAY_ADDRESS
     * if it is an http(s) URL (a bare HOST:PORT there is a GCS, not the API), else the default.
     */
    static String address(String option, Function<String, String> env) {
      if (option != null) {
        return option;
      }
      String api = env.apply("RAY_API_SERVER_ADDRESS");
      if (api != null && !api.isBlank()) {
        return api;
      }
      String ray = env.apply("RAY_ADDRESS");
      if (ray != null && (ray.startsWith("http://") || ray.startsWith("https://"))) {
        return ray;
      }
      return DEFAULT_ADDRESS;
    }

    /** Ray's --headers: a JSON object of strings. */
    static Map<String, String> headers(String json) {
      if (json == null) {
        return Map.of();
      }
      Map<String, String> all = new LinkedHashMap<>();
      try {
        new JsonObject(json).forEach(e -> all.put(e.getKey(), (String) e.getValue()));
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalArgumentException("--headers is not a JSON object of strings"
            + " ({\"key\": \"value\"}): " + json);
      }
      return all;
    }
  }

  /**
   * Prints the job's final state as Ray does, and returns it: a big line for success or failure,
   * the status message when there is one.
   */
  static String printStatus(JobsClient client, String id, PrintWriter out) {
    JsonObject info = client.info(id);
    String status = info.getString("status", "UNKNOWN");
    String message = info.getString("message");
    switch (status) {
      case "SUCCEEDED" -> banner(out, "Job '" + id + "' succeeded");
      case "STOPPED" -> out.println("Job '" + id + "' was stopped");
      case "FAILED" -> {
        banner(out, "Job '" + id + "' failed");
        if (message != null) {
          out.println("Status message: " + message);
        }
      }
      default -> {
        out.println("Status for job '" + id + "': " + status);
        if (message != null) {
          out.println("Status message: " + message);
        }
      }
    }
    out.flush();
    return status;
  }

  /** Ray's _log_big_success_msg / _log_big_error_msg: the line between dashes as long as it. */
  static void banner(PrintWriter out, String line) {
    String rule = "-".repeat(line.length());
    out.println();
    out.println(rule);
    out.println(line);
    out.println(rule);
    out.println();
  }

  /**
   * Prints the job's log as it grows until the job ends, through the WebSocket tail, else by
   * polling the whole log; then prints its final state, which it returns.
   */
  static String follow(JobsClient client, String id, PrintWriter out) {
    boolean streamed = client.tail(id, chunk -> {
      out.print(chunk);
      out.flush();
    });
    if (!streamed) {
      int printed = 0;
      while (true) {
        String status = client.info(id).getString("status", "UNKNOWN");
        String logs = client.logs(id);
        if (logs.length() > printed) {
          out.print(logs.substring(printed));
          out.flush();
          printed = logs.length();
        }
        if (TERMINAL.contains(status)) {
          break;
        }
        Time.SYSTEM.park(POLL_NANOS);
      }
    }
    return printStatus(client, id, out);
  }

  @Command(name = "status", description = "Print a job's status.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Server server;
    @Parameters(paramLabel = "SUBMISSION_ID") String id;

    @Override
    public Integer call() {
      printStatus(server.jobsClient(spec.commandLine().getOut()), id, spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "logs", description = "Print a job's log (--follow: as it grows, until it ends).")
  static final class Logs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Server server;
    @Parameters(paramLabel = "SUBMISSION_ID") String id;
    @Option(names = {"-f", "--follow"}, description = "Follow the log until the job ends.")
    boolean follow;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JobsClient client = server.jobsClient(out);
      if (follow) {
        follow(client, id, out);
      } else {
        out.print(client.logs(id));
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "stop", description = "Stop a job (a PENDING one is removed from its queue).")
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Server server;
    @Parameters(paramLabel = "SUBMISSION_ID") String id;
    @Option(names = "--no-wait", description = "Do not wait for the job to exit.")
    boolean noWait;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JobsClient client = server.jobsClient(out);
      out.println("Attempting to stop job '" + id + "'");
      out.flush();
      client.stop(id);
      if (noWait) {
        return 0;
      }
      out.println("Waiting for job '" + id + "' to exit (disable with --no-wait):");
      out.flush();
      while (true) {
        String status = client.info(id).getString("status", "UNKNOWN");
        if (TERMINAL.contains(status)) {
          printStatus(client, id, out);
          return 0;
        }
        out.println("Job has not exited yet. Status: " + status);
        out.flush();
        Time.SYSTEM.park(POLL_NANOS);
      }
    }
  }

  @Command(name = "list", description = "List every job: submitted ones and drivers started by hand.")
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Server server;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println(server.jobsClient(out).list().encodePrettily());
      out.flush();
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete an ended job: its record and its log.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Server server;
    @Parameters(paramLabel = "SUBMISSION_ID") String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (!server.jobsClient(out).delete(id)) {
        throw new IllegalStateException("job '" + id + "' was not deleted");
      }
      out.println("Job '" + id + "' deleted successfully");
      out.flush();
      return 0;
    }
  }
}
