package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jray summary tasks|actors}, as {@code ray summary}: how many tasks of each function (or
 * actors of each class) are in each state, from the head's {@code /api/v0/KIND/summarize}.
 */
@Command(name = "summary", description = "Count tasks by function or actors by class, per"
    + " state, as `ray summary`.")
final class SummaryCommand implements Callable<Integer> {
  private static final List<String> KINDS = List.of("tasks", "actors", "objects");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Parameters(index = "0", description = "tasks, actors or objects.")
  String kind;

  @Option(names = "--format", defaultValue = "table", description = "table, json or yaml"
      + " (default ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    if (!KINDS.contains(kind)) {
      throw new ParameterException(spec.commandLine(), "jray summary: unknown kind '" + kind
          + "': give one of " + KINDS);
    }
    StateFormat how = ListCommand.format(spec, "summary", format);
    // Ray nests the summary under data.result.result, beside the list's counts and warnings
    JsonObject answer = server.client().summary(kind);
    JsonObject cluster = answer.getJsonObject("result", new JsonObject())
        .getJsonObject("node_id_to_summary", new JsonObject())
        .getJsonObject("cluster", new JsonObject());
    ListCommand.warn(spec.commandLine().getErr(), "summary", answer);
    spec.commandLine().getErr().flush();
    PrintWriter out = spec.commandLine().getOut();
    if (how != StateFormat.TABLE) {
      out.print(how == StateFormat.JSON ? cluster.encodePrettily() + "\n"
          : StateFormat.yaml(cluster));
      out.flush();
      return 0;
    }
    String title = Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    out.println("======== " + title + " Summary: " + Instant.now() + " ========");
    out.println("Stats:");
    out.println("------------------------------------");
    new TreeMap<>(cluster.getMap()).forEach((k, v) -> {
      if (!k.equals("summary") && !k.equals("summary_by")) {
        out.println(k + ": " + v);
      }
    });
    out.println();
    out.println("Table (group by " + cluster.getString("summary_by", "class") + "):");
    out.println("------------------------------------");
    JsonArray rows = new JsonArray();
    JsonObject summary = cluster.getJsonObject("summary", new JsonObject());
    new TreeMap<>(summary.getMap()).keySet().forEach(k -> {
      JsonObject entry = kind.equals("objects") ? new JsonObject().put("call_site", k)
          : new JsonObject();
      summary.getJsonObject(k).forEach(e -> entry.put(e.getKey(), e.getValue()
          instanceof JsonObject counts ? counts(counts) : e.getValue()));
      rows.add(entry);
    });
    how.print(out, rows);
    out.flush();
    return 0;
  }

  /** "STATE: n, STATE: n", by name. */
  private static String counts(JsonObject counts) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(counts.getMap()).forEach((state, n) -> text.append(text.isEmpty() ? "" : ", ")
        .append(state).append(": ").append(n));
    return text.toString();
  }
}
