package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * table or JSON. Prints a line saying how many rows the limit left out.
 */
@Command(name = "list", description = "List cluster state, as `ray list`: nodes, actors,"
    + " placement-groups or jobs (--filter key=value or key!=value, --limit, --detail).")
final class ListCommand implements Callable<Integer> {
  /** The kinds as `ray list` names them, and their state API paths. */
  private static final List<String> KINDS = List.of("nodes", "actors", "placement-groups", "jobs");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Parameters(index = "0", description = "What to list: ${COMPLETION-CANDIDATES}.",
      completionCandidates = Kinds.class)
  String kind;

  @Option(names = "--filter", description = "key=value or key!=value; repeat to combine.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--limit", defaultValue = "100", description = "At most this many rows"
      + " (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--detail", description = "Every field of each row.")
  boolean detail;

  @Option(names = "--format", defaultValue = "table", description = "table or json"
      + " (default ${DEFAULT-VALUE}).")
  String format;

  static final class Kinds extends ArrayList<String> {
    Kinds() {
      super(KINDS);
    }
  }

  @Override
  public Integer call() {
    if (!KINDS.contains(kind)) {
      throw new ParameterException(spec.commandLine(), "jray list: unknown kind '" + kind
          + "': give one of " + KINDS);
    }
    if (!format.equals("table") && !format.equals("json")) {
      throw new ParameterException(spec.commandLine(), "jray list: --format is table or json,"
          + " got '" + format + "'");
    }
    JsonObject result = server.client().state(kind.replace('-', '_'), query());
    PrintWriter out = spec.commandLine().getOut();
    JsonArray rows = result.getJsonArray("result", new JsonArray());
    if (format.equals("json")) {
      out.println(rows.encodePrettily());
    } else {
      printTable(out, rows);
    }
    int filtered = result.getInteger("num_filtered", rows.size());
    if (filtered > rows.size()) {
      out.println("(" + (filtered - rows.size()) + " more not shown: raise --limit)");
    }
    out.flush();
    return 0;
  }

  private String query() {
    StringBuilder q = new StringBuilder("limit=").append(limit);
    if (detail) {
      q.append("&detail=true");
    }
    for (String filter : filters) {
      int at = filter.indexOf("!=");
      String predicate = "!=";
      if (at < 0) {
        at = filter.indexOf('=');
        predicate = "=";
      }
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

  /** Columns in the first row's order; nested values as compact JSON. */
  static void printTable(PrintWriter out, JsonArray rows) {
    if (rows.isEmpty()) {
      out.println("(none)");
      return;
    }
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(r -> columns.addAll(((JsonObject) r).fieldNames()));
    List<String> header = new ArrayList<>(columns);
    List<List<String>> cells = new ArrayList<>();
    int[] widths = header.stream().mapToInt(h -> h.length()).toArray();
    for (Object r : rows) {
      JsonObject row = (JsonObject) r;
      List<String> line = new ArrayList<>();
      for (int i = 0; i < header.size(); i++) {
        Object v = row.getValue(header.get(i));
        String text = v == null ? "" : v instanceof JsonObject || v instanceof JsonArray
            ? v.toString() : String.valueOf(v);
        widths[i] = Math.max(widths[i], text.length());
        line.add(text);
      }
      cells.add(line);
    }
    List<String> upper = header.stream().map(h -> h.toUpperCase(Locale.ROOT)).toList();
    out.println(row(upper, widths));
    cells.forEach(line -> out.println(row(line, widths)));
  }

  private static String row(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append("  ");
      }
      b.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + widths[i] + "s",
          cells.get(i)));
    }
    return b.toString();
  }
}
