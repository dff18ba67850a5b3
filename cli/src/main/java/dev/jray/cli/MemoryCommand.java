package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jray memory}, as {@code ray memory}: every object reference in the cluster, grouped by
 * the node that holds it, with its size, status and reference type (an owner's refs, a primary
 * copy pinned in a store, spilled, or cached), then the object stores' totals. For finding what
 * keeps memory alive.
 */
@Command(name = "memory", description = "Object references by node: size, status, reference"
    + " type, where stored or spilled; then the stores' totals, as `ray memory`.")
final class MemoryCommand implements Callable<Integer> {
  private static final Map<String, Long> UNITS = Map.of("B", 1L, "KB", 1L << 10, "MB", 1L << 20,
      "GB", 1L << 30);
  private static final List<String> SORTS = List.of("object_size", "pid", "reference_type");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Option(names = "--sort-by", defaultValue = "object_size", description = "object_size, pid or"
      + " reference_type (default ${DEFAULT-VALUE}).")
  String sortBy;

  @Option(names = "--units", defaultValue = "B", description = "B, KB, MB or GB (default"
      + " ${DEFAULT-VALUE}).")
  String units;

  @Option(names = "--limit", defaultValue = "10000", description = "At most this many references"
      + " (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    String unit = units.toUpperCase(Locale.ROOT);
    if (!UNITS.containsKey(unit)) {
      throw new ParameterException(spec.commandLine(), "jray memory: --units is B, KB, MB or GB,"
          + " got '" + units + "'");
    }
    if (!SORTS.contains(sortBy.toLowerCase(Locale.ROOT))) {
      throw new ParameterException(spec.commandLine(), "jray memory: --sort-by is one of "
          + SORTS + ", got '" + sortBy + "'");
    }
    JsonObject result = server.client().state("objects", "detail=true&limit=" + limit);
    JsonArray rows = result.getJsonArray("result", new JsonArray());
    PrintWriter out = spec.commandLine().getOut();
    out.println("======== Object references status: " + Instant.now() + " ========");
    out.println("Grouping by node address...        Sorting by " + sortBy.toLowerCase(Locale.ROOT)
        + "...");
    Map<String, List<JsonObject>> byNode = new TreeMap<>();
    rows.forEach(r -> {
      JsonObject row = (JsonObject) r;
      byNode.computeIfAbsent(row.getString("ip") + " (node " + row.getString("node_id") + ")",
          k -> new ArrayList<>()).add(row);
    });
    long divisor = UNITS.get(unit);
    long inMemory = 0;
    long spilled = 0;
    int inMemoryCount = 0;
    int spilledCount = 0;
    for (Map.Entry<String, List<JsonObject>> node : byNode.entrySet()) {
      List<JsonObject> refs = new ArrayList<>(node.getValue());
      refs.sort(order());
      out.println();
      out.println("--- Object references for node address: " + node.getKey() + " ---");
      JsonArray table = new JsonArray();
      for (JsonObject r : refs) {
        Long size = r.getLong("object_size");
        table.add(new JsonObject().put("ip_address", r.getString("ip"))
            .put("pid", r.getValue("pid")).put("type", r.getString("type"))
            .put("call_site", r.getString("call_site")).put("status", r.getString("task_status"))
            .put("size", size == null ? "?" : (size / divisor) + " " + unit)
            .put("reference_type", r.getString("reference_type"))
            .put("object_ref", r.getString("object_id")));
        String type = r.getString("reference_type");
        if ("PINNED_IN_MEMORY".equals(type) || "CACHED_COPY".equals(type)) {
          inMemory += size == null ? 0 : size;
          inMemoryCount++;
        } else if ("SPILLED".equals(type)) {
          spilled += size == null ? 0 : size;
          spilledCount++;
        }
      }
      StateFormat.TABLE.print(out, table);
    }
    if (rows.isEmpty()) {
      out.println("(no object references)");
    }
    out.println();
    out.println("--- Aggregate object store stats across all nodes ---");
    out.println("Object store memory usage " + (inMemory >> 20) + " MiB, " + inMemoryCount
        + " objects");
    out.println("Spilled " + (spilled >> 20) + " MiB, " + spilledCount + " objects");
    String warning = result.getString("partial_failure_warning", "");
    if (!warning.isEmpty()) {
      spec.commandLine().getErr().println("jray memory: partial result: " + warning);
    }
    out.flush();
    return 0;
  }

  private Comparator<JsonObject> order() {
    return switch (sortBy.toLowerCase(Locale.ROOT)) {
      case "pid" -> Comparator.comparingLong(r -> r.getLong("pid", 0L));
      case "reference_type" -> Comparator.comparing(r -> String.valueOf(
          r.getString("reference_type")));
      default -> Comparator.comparingLong((JsonObject r) -> r.getLong("object_size") == null ? -1
          : r.getLong("object_size")).reversed();
    };
  }
}
