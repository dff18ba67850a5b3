package dev.jray.gcs.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus's text exposition format (version 0.0.4), for tests of the
 * nodes' metrics: every line is a {@code # HELP}, a {@code # TYPE} or a sample, each family is
 * typed once before its samples, a sample's name is its family's (or, for a summary or
 * histogram, with {@code _count}, {@code _sum} or {@code _bucket}), names and label names are
 * valid, label values are quoted with only Prometheus's escapes, values are numbers, and no
 * series appears twice. Anything else throws {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary",
      "untyped");

  /** One series: its name and labels (sorted by name), and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final Map<String, String> types;
  private final List<Sample> samples;

  private PrometheusText(Map<String, String> types, List<Sample> samples) {
    this.types = types;
    this.samples = samples;
  }

  /** @throws IllegalArgumentException naming the first line that breaks the format */
  public static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a newline");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new HashMap<>();
    List<Sample> samples = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        if (!NAME.matcher(parts[0]).matches() || parts.length < 2) {
          throw new IllegalArgumentException(where + "bad HELP or TYPE");
        }
        Map<String, String> into = line.startsWith("# HELP ") ? helps : types;
        if (into.put(parts[0], parts[1]) != null) {
          throw new IllegalArgumentException(where + "given twice");
        }
        if (into == types && !TYPES.contains(parts[1])) {
          throw new IllegalArgumentException(where + "unknown type");
        }
      } else if (line.startsWith("#") || line.isBlank()) {
        throw new IllegalArgumentException(where + "neither HELP, TYPE nor a sample");
      } else {
        Sample s = sample(line, where);
        if (family(s.name(), types) == null) {
          throw new IllegalArgumentException(where + "no TYPE before it");
        }
        if (seen.put(s.name() + s.labels(), true) != null) {
          throw new IllegalArgumentException(where + "the series appears twice");
        }
        samples.add(s);
      }
    }
    return new PrometheusText(types, samples);
  }

  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_count", "_sum", "_bucket")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("summary".equals(type) || "histogram".equals(type)) {
          return base;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + "bad metric name");
    }
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf("=\"", i);
        if (eq < 0) {
          throw new IllegalArgumentException(where + "bad label");
        }
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches()) {
          throw new IllegalArgumentException(where + "bad label name '" + label + "'");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char next = j + 1 < line.length() ? line.charAt(++j) : ' ';
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(where + "bad escape");
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length() || labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException(where + "unterminated or repeated label " + label);
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw new IllegalArgumentException(where + "labels not closed");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException(where + "no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException(where + "more than a value and a timestamp");
    }
    return new Sample(name, labels, number(rest[0], where));
  }

  private static double number(String text, String where) {
    switch (text) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + "'" + text + "' is not a number");
        }
    }
  }

  /** Every sample, in order. */
  public List<Sample> samples() {
    return samples;
  }

  /** The families and their types. */
  public Map<String, String> types() {
    return types;
  }

  /**
   * The value of the one series of {@code name} whose labels include {@code labels} (given as
   * name, value, name, value...).
   *
   * @throws AssertionError if none or several match
   */
  public double value(String name, String... labels) {
    List<Sample> found = matching(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " series of " + name + " " + List.of(labels)
          + " (one expected): " + found);
    }
    return found.get(0).value();
  }

  /** The series of {@code name} whose labels include {@code labels} (name, value, ...). */
  public List<Sample> matching(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    outer:
    for (Sample s : samples) {
      if (!s.name().equals(name)) {
        continue;
      }
      for (int k = 0; k + 1 < labels.length; k += 2) {
        if (!labels[k + 1].equals(s.labels().get(labels[k]))) {
          continue outer;
        }
      }
      found.add(s);
    }
    return found;
  }
}
