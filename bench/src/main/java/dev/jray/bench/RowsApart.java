package dev.jray.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --apart}: each group of rows measured by a bench JVM of its own, one after another, so
 * that no row inherits the heap, JIT state or threads of the rows before it (in one JVM, a row's
 * figure moves by up to 2x with what ran before it). A group is the rows one workload measures
 * together: a row and its TLS twin, the three rows of a scale workload, the join rows with the
 * first cross-node row (they time that row's start).
 *
 * <p>The children may be another build's bench jar ({@code --bench-jar}), so two builds are
 * compared with one method; rows a child does not know are reported as failed, never dropped.
 */
final class RowsApart {
  private static final long GROUP_TIMEOUT_MIN = 45;

  private RowsApart() {}

  /** The selected rows in groups, each measured by one child, in the suite's order. */
  static List<List<RowSpec>> groups(List<RowSpec> selected) {
    Map<String, List<RowSpec>> groups = new LinkedHashMap<>();
    for (RowSpec r : selected) {
      groups.computeIfAbsent(groupOf(r), k -> new ArrayList<>()).add(r);
    }
    return List.copyOf(groups.values());
  }

  private static String groupOf(RowSpec r) {
    if (r == RowSpec.NODE_JOIN || r == RowSpec.DRIVER_JOIN || r == RowSpec.DRIVER_JOIN_ARCHIVED) {
      return RowSpec.CROSS_TASKS_SYNC.name();
    }
    for (String prefix : List.of("many actors", "many queued tasks", "reconstruction", "jobs")) {
      if (r.name().startsWith(prefix)) {
        return prefix;
      }
    }
    if (r.name().contains("worker process")) {
      return "worker process"; // one cluster for all of them
    }
    return r.workload().name();
  }

  /** A filter that matches exactly these rows. */
  static String filterFor(List<RowSpec> group) {
    return group.stream().map(r -> Pattern.quote(r.name()))
        .collect(Collectors.joining("|", "^(?:", ")$"));
  }

  /**
   * Runs each group in a child JVM of {@code benchJar} with this JVM's options and fills in
   * {@code rows}; a group whose child fails gets its error and the log's place.
   */
  static void run(Map<RowSpec, Row> rows, Path benchJar, Path jrayJar, boolean quick, Path work)
      throws IOException, InterruptedException {
    List<List<RowSpec>> groups = groups(List.copyOf(rows.keySet()));
    for (int i = 0; i < groups.size(); i++) {
      List<RowSpec> group = groups.get(i);
      Path json = work.resolve("group-" + i + ".json");
      Path log = work.resolve("group-" + i + ".log");
      List<String> command = new ArrayList<>(List.of(ChildProcesses.java()));
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.addAll(List.of("-jar", benchJar.toString(), "--filter", filterFor(group),
          "--json", json.toString()));
      if (jrayJar != null) {
        command.addAll(List.of("--jray-jar", jrayJar.toString()));
      }
      if (quick) {
        command.add("--quick");
      }
      System.err.printf("bench apart: %d/%d %s%n", i + 1, groups.size(),
          group.stream().map(RowSpec::name).collect(Collectors.joining("; ")));
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(GROUP_TIMEOUT_MIN, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        fail(rows, group, "its bench JVM did not finish within " + GROUP_TIMEOUT_MIN + " min (log "
            + log + ")");
        continue;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(json)) {
        fail(rows, group, "its bench JVM exited " + p.exitValue() + " (log " + log + ")");
        continue;
      }
      read(rows, group, new JsonObject(Files.readString(json)).getJsonArray("rows"), log);
    }
  }

  private static void read(Map<RowSpec, Row> rows, List<RowSpec> group, JsonArray measured,
      Path log) {
    for (int j = 0; j < measured.size(); j++) {
      JsonObject m = measured.getJsonObject(j);
      Row row = group.stream().filter(r -> r.name().equals(m.getString("name"))).findFirst()
          .map(rows::get).orElse(null);
      if (row == null) {
        continue; // a row of the child's the parent did not ask for
      }
      row.jray = Figure.fromJson(m.getJsonObject("jray"));
      comparisons(m.getJsonArray("peers"), row.peers);
      comparisons(m.getJsonArray("floors"), row.floors);
    }
    group.stream().map(rows::get).filter(r -> Row.NOT_RUN.equals(r.jray.error()))
        .forEach(r -> r.jray = Figure.failed("its bench JVM did not measure it (log " + log + ")"));
  }

  private static void comparisons(JsonArray from, List<Row.Comparison> to) {
    for (int k = 0; from != null && k < from.size(); k++) {
      JsonObject c = from.getJsonObject(k);
      to.add(new Row.Comparison(c.getString("name"), Figure.fromJson(c.getJsonObject("figure"))));
    }
  }

  private static void fail(Map<RowSpec, Row> rows, List<RowSpec> group, String why) {
    group.forEach(r -> rows.get(r).jray = Figure.failed(why));
  }
}
