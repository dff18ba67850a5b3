package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.math.BigDecimal;
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
 * the node that holds it, sorted ascending by size (or pid, or reference type), with its size in
 * decimal units (KB = 1000 bytes, fractional), status and reference type (Ray's types; where a
 * store's copy is, in memory, spilled or cached, in {@code location}), then the object stores'
 * totals. For finding what keeps memory alive.
 */
@Command(name = "memory", description = "Object references by node: size, status, reference"
    + " type, where stored or spilled; then the stores' totals, as `ray memory`.")
final class MemoryCommand implements Callable<Integer> {
  /** Ray's units: decimal. */
  private static final Map<String, Long> UNITS = Map.of("B", 1L, "KB", 1_000L, "MB",
      1_000_000L, "GB", 1_000_000_000L);
  private static final List<String> SORTS = List.of("object_size", "pid", "reference_type");

  @Spec CommandSpec spec;
  @Mixin JobCommand.Server server;

  @Option(names = "--sort-by", defaultValue = "object_size", description = "object_size, pid or"
      + " reference_type, ascending (default ${DEFAULT-VALUE}).")
  String sortBy;

  @Option(names = "--units", defaultValue = "B", description = "B, KB, MB or GB, decimal as"
      + " Ray's (default ${DEFAULT-VALUE}).")
  String units;

  @Option(names = "--limit", defaultValue = "10000", description = "At most this many references"
      + " from the head (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = {"-n", "--num-entries"}, description = "At most this many references per"
      + " node (default: all).")
  Integer numEntries;

  @Option(names = "--stats-only", description = "Only the object stores' totals.")
  boolean statsOnly;

  @Option(names = "--no-format", description = "Rows as plain space-separated values, not an"
      + " aligned table.")
  boolean noFormat;

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
    if (numEntries != null && numEntries < 0) {
      throw new ParameterException(spec.commandLine(), "jray memory: --num-entries is 0 or"
          + " more, got " + numEntries);
    }
    JsonObject result = server.client().state("objects", "detail=true&limit=" + limit);
    JsonArray rows = result.getJsonArray("result", new JsonArray());
    PrintWriter out = spec.commandLine().getOut();
    out.println("======== Object references status: " + Instant.now() + " ========");
    Map<String, List<JsonObject>> byNode = new TreeMap<>();
    rows.forEach(r -> {
      JsonObject row = (JsonObject) r;
      byNode.computeIfAbsent(row.getString("ip") + " (node " + row.getString("node_id") + ")",
          k -> new ArrayList<>()).add(row);
    });
    if (!statsOnly) {
      out.println("Grouping by node address...        Sorting by "
          + sortBy.toLowerCase(Locale.ROOT) + "...        Display " + (numEntries == null ? "all"
          : numEntries) + " entries per group...");
      long divisor = UNITS.get(unit);
      for (Map.Entry<String, List<JsonObject>> node : byNode.entrySet()) {
        List<JsonObject> refs = new ArrayList<>(node.getValue());
        refs.sort(order());
        out.println();
        out.println("--- Object references for node address: " + node.getKey() + " ---");
        JsonArray table = new JsonArray();
        refs.stream().limit(numEntries == null ? Long.MAX_VALUE : numEntries).forEach(r -> {
          long size = r.getLong("object_size", -1L);
          table.add(new JsonObject().put("ip_address", r.getString("ip"))
              .put("pid", r.getValue("pid")).put("type", r.getString("type"))
              .put("call_site", r.getString("call_site"))
              .put("status", r.getString("task_status"))
              .put("size", size < 0 ? "?" : size(size, divisor) + " " + unit)
              .put("reference_type", r.getString("reference_type"))
              .put("location", r.getString("location"))
              .put("object_ref", r.getString("object_id")));
        });
        if (noFormat) {
          table.forEach(row -> out.println(String.join(" ", ((JsonObject) row).stream()
              .map(e -> String.valueOf(e.getValue())).toList())));
        } else {
          StateFormat.TABLE.print(out, table);
        }
      }
      if (rows.isEmpty()) {
        out.println("(no object references)");
      }
      out.println();
    }
    long inMemory = 0;
    long spilled = 0;
    int inMemoryCount = 0;
    int spilledCount = 0;
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      long size = Math.max(0, r.getLong("object_size", 0L));
      String location = r.getString("location");
      if ("IN_MEMORY".equals(location) || "CACHED_COPY".equals(location)) {
        inMemory += size;
        inMemoryCount++;
      } else if ("SPILLED".equals(location)) {
        spilled += size;
        spilledCount++;
      }
    }
    out.println("--- Aggregate object store stats across all nodes ---");
    long capacity = storeCapacity();
    out.println("Plasma memory usage " + (inMemory >> 20) + " MiB, " + inMemoryCount
        + " objects" + (capacity > 0 ? ", " + percent(inMemory, capacity) + "% full" : ""));
    if (spilledCount > 0) {
      out.println("Spilled " + (spilled >> 20) + " MiB, " + spilledCount + " objects");
    }
    out.flush();
    ListCommand.warn(spec.commandLine().getErr(), "memory", result);
    spec.commandLine().getErr().flush();
    return 0;
  }

  /** The object stores' capacity, as the nodes last reported it; 0 if none did. */
  private long storeCapacity() {
    try {
      long capacity = 0;
      for (Object n : server.client().clusterStatus().getJsonArray("nodes", new JsonArray())) {
        capacity += ((JsonObject) n).getLong("object_store_capacity_bytes", 0L);
      }
      return capacity;
    } catch (JobsClient.JobsClientException e) {
      return 0; // the totals stand without the percentage
    }
  }

  /** Ray's {@code round(100 * used / capacity, 2)}. */
  static String percent(long used, long capacity) {
    return size(Math.round(10_000.0 * used / capacity), 100);
  }

  /** A size in a decimal unit as Ray prints it, a float ({@code 1.5 KB}, {@code 100.0 B}). */
  static String size(long bytes, long divisor) {
    String plain = BigDecimal.valueOf((double) bytes / divisor).toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** Ascending, as Ray sorts its memory table. */
  private Comparator<JsonObject> order() {
    return switch (sortBy.toLowerCase(Locale.ROOT)) {
      case "pid" -> Comparator.comparingLong(r -> r.getLong("pid", 0L));
      case "reference_type" -> Comparator.comparing(r -> String.valueOf(
          r.getString("reference_type")));
      default -> Comparator.comparingLong(r -> r.getLong("object_size", -1L));
    };
  }
}
