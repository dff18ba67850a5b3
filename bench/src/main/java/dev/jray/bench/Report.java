package dev.jray.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The suite's output: a table a person reads at a glance, and the same figures as JSON. */
final class Report {
  static final String RAY_SOURCE = "Ray 2.48 release run on an m5.16xlarge, 64 vCPU";

  /** What each peer and floor label of the table means. */
  static final Map<String, String> LEGEND = new LinkedHashMap<>();

  static {
    LEGEND.put(HazelcastPeer.EXECUTOR, "Hazelcast 5 IExecutorService, member in this JVM (submit(callable).get(); async: 1k submits, then get all)");
    LEGEND.put(HazelcastPeer.EXECUTOR_BATCH, "the same, counted per batch of 1k tasks");
    LEGEND.put(HazelcastPeer.ENTRY_PROCESSOR, "Hazelcast EntryProcessor on a key (the actor), in-JVM member (executeOnKey; async: submitToKey)");
    LEGEND.put(HazelcastPeer.IMAP, "Hazelcast IMap set/get, in-JVM member (BINARY format: a copy each way)");
    LEGEND.put(PekkoPeer.ASK, "Apache Pekko 1.7 typed actor, ask from outside the actor system");
    LEGEND.put(HazelcastPeer.REMOTE_EXECUTOR, "Hazelcast IExecutorService.submitToMember, the member in a second JVM");
    LEGEND.put(HazelcastPeer.REMOTE_ENTRY_PROCESSOR, "Hazelcast EntryProcessor on a key owned by the member in a second JVM");
    LEGEND.put(HazelcastPeer.REMOTE_IMAP, "Hazelcast IMap.get of a value owned by the member in a second JVM");
    LEGEND.put(Row.PLAIN_TWIN, "jray's figure for the same row without TLS, in this run (the TLS row's cost)");
    LEGEND.put(Floors.HANDOFF, "a parked-thread handoff round trip: singleThreadExecutor.submit(noop).get()");
    LEGEND.put(Floors.EXECUTOR_ASYNC, "ThreadPoolExecutor (one thread per core): 1k submit(noop), then get all");
    LEGEND.put(Floors.EXECUTOR_BATCH, "the same, counted per batch of 1k");
    LEGEND.put(Floors.EVENT_BUS_SYNC, "raw Vert.x 5 event bus request/reply, local consumer, from a non-Vert.x thread");
    LEGEND.put(Floors.EVENT_BUS_ASYNC, "the same, 1k requests then all replies");
    LEGEND.put(HazelcastPeer.REMOTE_EVENT_BUS_SYNC, "clustered Vert.x event bus request/reply to a consumer in a second JVM");
    LEGEND.put(HazelcastPeer.REMOTE_EVENT_BUS_ASYNC, "the same, 1k requests then all replies");
    LEGEND.put(Floors.ARRAYCOPY, "System.arraycopy of the same byte[] size");
    LEGEND.put(Floors.HEAP_TO_DIRECT, "byte[] into a direct ByteBuffer (what a store write is)");
    LEGEND.put(Floors.DIRECT_TO_HEAP, "direct ByteBuffer into a byte[] (what a store read is)");
    LEGEND.put(Floors.LOOPBACK_TCP, "one loopback TCP connection, direct buffers, 1 MiB writes");
  }

  private Report() {}

  static String format(double v, RowSpec.Unit unit) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return switch (unit) {
      case SECONDS -> String.format("%.2f s", v);
      case COUNT -> String.format("%.0f", v);
      case MEGABYTES -> String.format("%.0f MB", v);
      case GB_PER_SECOND -> String.format(v < 10 ? "%.2f" : "%.1f", v);
      case PER_SECOND -> v >= 1e6 ? String.format("%.2fM", v / 1e6)
          : v >= 1e4 ? String.format("%.1fk", v / 1e3)
          : v >= 100 ? String.format("%.0f", v)
          : String.format("%.2f", v);
    };
  }

  private static String cell(Figure f, RowSpec.Unit unit, boolean range) {
    if (!f.ok()) {
      return "error: " + f.error();
    }
    String m = format(f.median(), unit);
    return range && f.min() != f.max() ? m + " (" + format(f.min(), unit) + "-" + format(f.max(), unit) + ")" : m;
  }

  private static String ratio(Double r) {
    return r == null ? "" : String.format(r >= 10 ? "%.0fx" : "%.2fx", r);
  }

  /** The table: one line per row, plus a line per further peer or floor. */
  static void print(PrintStream out, List<Row> rows, String title) {
    String fmt = "%-46s %-24s %-28s %-28s %-10s %-10s %-10s";
    out.println(title);
    line(out, fmt, "row", "jray median (min-max)", "peer", "floor", "Ray 2.48*", "jray/peer", "jray/floor");
    out.println("-".repeat(162));
    List<String> errors = new ArrayList<>();
    for (Row row : rows) {
      RowSpec.Unit unit = row.spec.unit();
      String jray = cell(row.jray, unit, true);
      if (jray.length() > 24) {
        errors.add(row.spec.name() + ": " + jray);
        jray = "error (see below)";
      }
      int lines = Math.max(1, Math.max(row.peers.size(), row.floors.size()));
      for (int i = 0; i < lines; i++) {
        Row.Comparison peer = i < row.peers.size() ? row.peers.get(i) : null;
        Row.Comparison floor = i < row.floors.size() ? row.floors.get(i) : null;
        line(out, fmt,
            i == 0 ? row.spec.name() + " (" + unit.label() + ")" : "",
            i == 0 ? jray : "",
            peer == null ? "" : shortCell(peer, unit),
            floor == null ? "" : shortCell(floor, unit),
            i == 0 && row.spec.ray() != null ? format(row.spec.ray(), unit) : "",
            peer == null ? "" : ratio(row.ratio(peer.figure())),
            floor == null ? "" : ratio(row.ratio(floor.figure())));
      }
    }
    out.println("-".repeat(162));
    out.println("* " + RAY_SOURCE + ". Ratios: jray's median over the other's (for seconds, the other's over jray's).");
    for (String e : errors) {
      out.println("  " + e);
    }
    out.println("Peers and floors:");
    for (Map.Entry<String, String> e : LEGEND.entrySet()) {
      out.printf("  %-20s %s%n", e.getKey(), e.getValue());
    }
  }

  private static void line(PrintStream out, String fmt, Object... cells) {
    out.println(String.format(fmt, cells).stripTrailing());
  }

  private static String shortCell(Row.Comparison c, RowSpec.Unit unit) {
    String value = c.figure().ok() ? format(c.figure().median(), unit) : "error";
    return value + " " + c.what();
  }

  static JsonObject json(List<Row> rows, Settings settings, JsonObject machine) {
    JsonArray array = new JsonArray();
    rows.forEach(r -> array.add(r.toJson()));
    JsonObject legend = new JsonObject();
    LEGEND.forEach(legend::put);
    return new JsonObject()
        .put("suite", "jray microbenchmark")
        .put("quick", settings.quick())
        .put("settings", new JsonObject().put("warmUpMs", settings.warmUpNanos() / 1_000_000)
            .put("roundMs", settings.roundNanos() / 1_000_000).put("rounds", settings.rounds())
            .put("largeBytes", settings.largeBytes()).put("transferBytes", settings.transferBytes())
            .put("n", Settings.cores()))
        .put("machine", machine)
        .put("raySource", RAY_SOURCE)
        .put("legend", legend)
        .put("rows", array);
  }

  static void writeJson(Path file, JsonObject json) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json.encodePrettily() + System.lineSeparator());
  }

  static JsonObject machine() {
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", cpuModel())
        .put("memoryGiB", Math.round(memory / (double) (1L << 30)))
        .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("date", Instant.now().toString());
  }

  static String machineLine() {
    JsonObject m = machine();
    return m.getInteger("cores") + " cores (" + m.getString("cpu") + "), " + m.getLong("memoryGiB") + " GiB, "
        + m.getString("jdk") + ", " + m.getString("date");
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
