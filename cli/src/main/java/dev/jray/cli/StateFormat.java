package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** How {@code jray list}, {@code get} and {@code summary} print: a table, JSON or YAML. */
enum StateFormat {
  TABLE, JSON, YAML;

  /**
   * The format named {@code name} (table, json or yaml).
   *
   * @throws IllegalArgumentException naming the choices
   */
  static StateFormat of(String name) {
    for (StateFormat f : values()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--format is table, json or yaml, got '" + name + "'");
  }

  /** Prints rows: a table (columns in the rows' order; nested values as compact JSON), or all. */
  void print(PrintWriter out, JsonArray rows) {
    switch (this) {
      case JSON -> out.println(rows.encodePrettily());
      case YAML -> out.print(yaml(rows));
      case TABLE -> table(out, rows);
    }
  }

  /** YAML of a JSON value, in block style. */
  static String yaml(Object json) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(plain(json));
  }

  /** A JSON value as maps and lists, which SnakeYAML writes without tags. */
  private static Object plain(Object json) {
    if (json instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (json instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(v -> l.add(plain(v)));
      return l;
    }
    return json;
  }

  private static void table(PrintWriter out, JsonArray rows) {
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
    out.println(line(upper, widths));
    cells.forEach(line -> out.println(line(line, widths)));
  }

  private static String line(List<String> cells, int[] widths) {
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
