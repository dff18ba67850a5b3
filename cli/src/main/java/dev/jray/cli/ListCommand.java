package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jray list KIND}, as {@code ray list}: the head's state API ({@code /api/v0/KIND}) as a
 * table, JSON or YAML on stdout; under a table, a line on stderr saying how many rows the limit
 * left out, and the answer's warnings on stderr.
 */
@Command(name = "list", description = "List cluster state, as `ray list`: nodes, workers,"
    + " actors, placement-groups, jobs, tasks or objects (--filter key=value or key!=value,"
    + " --limit, --detail).")
final class ListCommand implements Callable<Integer> {
  /** The kinds as `ray list` names them, and their state API paths. */
  static final List<String> KINDS = List.of("nodes", "workers", "actors", "placement-groups",
      "jobs", "tasks", "objects");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Parameters(index = "0", description = "What to list: ${COMPLETION-CANDIDATES}.",
      completionCandidates = Kinds.class)
  String kind;

  @Option(names = {"-f", "--filter"}, description = "key=value or key!=value; repeat to"
      + " combine.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--limit", defaultValue = "100", description = "At most this many rows"
      + " (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--detail", description = "Every field of each row.")
  boolean detail;

  @Option(names = "--timeout", description = "Seconds the head waits for each node's rows"
      + " (1 to 60; default: the head's, 5).")
  Integer timeout;

  @Option(names = "--format", defaultValue = "table", description = "table, json or yaml"
      + " (default ${DEFAULT-VALUE}).")
  String format;

  static final class Kinds extends ArrayList<String> {
    Kinds() {
      super(KINDS);
    }
  }

  @Override
  public Integer call() {
    checkKind(spec, "list", kind);
    StateFormat how = format(spec, "list", format);
    JsonObject result = server.client().state(kind.replace('-', '_'), "limit=" + limit
        + (detail ? "&detail=true" : "") + timeout(spec, "list", timeout)
        + filters(spec, filters));
    PrintWriter out = spec.commandLine().getOut();
    JsonArray rows = result.getJsonArray("result", new JsonArray());
    how.print(out, rows);
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    warn(err, "list", result);
    int filtered = result.getInteger("num_filtered", rows.size());
    if (how == StateFormat.TABLE && filtered > rows.size()) {
      // Ray warns on stderr, and only under a table: JSON and YAML stay parseable
      err.println("(" + (filtered - rows.size()) + " more not shown: raise --limit)");
    }
    err.flush();
    return 0;
  }

  /** The answer's partial failure and warnings, on stderr, as Ray prints them. */
  static void warn(PrintWriter err, String command, JsonObject result) {
    String warning = result.getString("partial_failure_warning", "");
    if (warning != null && !warning.isEmpty()) {
      err.println("jray " + command + ": partial result: " + warning);
    }
    JsonArray warnings = result.getJsonArray("warnings");
    if (warnings != null) {
      warnings.forEach(w -> err.println("jray " + command + ": " + w));
    }
  }

  /** The state API's {@code timeout} parameter, after a {@code &}; none for null. */
  static String timeout(CommandSpec spec, String command, Integer seconds) {
    if (seconds == null) {
      return "";
    }
    if (seconds < 1 || seconds > 60) {
      throw new ParameterException(spec.commandLine(), "jray " + command + ": --timeout is"
          + " whole seconds from 1 to 60, got " + seconds);
    }
    return "&timeout=" + seconds;
  }

  static void checkKind(CommandSpec spec, String command, String kind) {
    if (!KINDS.contains(kind)) {
      throw new ParameterException(spec.commandLine(), "jray " + command + ": unknown kind '"
          + kind + "': give one of " + KINDS);
    }
  }

  static StateFormat format(CommandSpec spec, String command, String name) {
    try {
      return StateFormat.of(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "jray " + command + ": " + e.getMessage());
    }
  }

  /**
   * The state API's filter parameters, each after a {@code &}, for {@code --filter key=value} or
   * {@code key!=value} options.
   */
  static String filters(CommandSpec spec, List<String> filters) {
    StringBuilder q = new StringBuilder();
    for (String filter : filters) {
      // Ray splits at the first = or != : name=a!=b is key name, value a!=b
      int eq = filter.indexOf('=');
      int at = eq > 0 && filter.charAt(eq - 1) == '!' ? eq - 1 : eq;
      String predicate = at == eq ? "=" : "!=";
      if (at <= 0) {
        throw new ParameterException(spec.commandLine(), "jray list: --filter wants key=value"
            + " or key!=value, got '" + filter + "'");
      }
      q.append("&filter_keys=").append(JobsClient.encode(filter.substring(0, at).strip()))
          .append("&filter_predicates=").append(JobsClient.encode(predicate))
          .append("&filter_values=")
          .append(JobsClient.encode(filter.substring(at + predicate.length()).strip()));
    }
    return q.toString();
  }
}
