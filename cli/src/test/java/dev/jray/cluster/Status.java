package dev.jray.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The output of {@code jray status}, parsed: Ray's layout (Node status, Resources, Demands). */
public record Status(String text, List<ActiveNode> active, List<String> failures,
    Map<String, double[]> usage, List<String> demands) {

  /** One line under "Active:": {@code  1 node_<hex> (role, host)}. */
  public record ActiveNode(String nodeId, String role, String host) {}

  private static final Pattern ACTIVE = Pattern.compile("^\\s*1 node_([0-9a-fA-F]+) \\((\\w+), ([^)]*)\\)\\s*$");
  private static final Pattern USAGE = Pattern.compile("^\\s*([0-9.]+)/([0-9.]+) (\\S+)\\s*$");

  public static Status parse(String text) {
    List<ActiveNode> active = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Map<String, double[]> usage = new LinkedHashMap<>();
    List<String> demands = new ArrayList<>();
    String section = "";
    for (String raw : text.split("\\R")) {
      String line = raw.stripTrailing();
      String t = line.trim();
      if (t.equals("Active:") || t.equals("Pending:") || t.equals("Recent failures:")
          || t.equals("Usage:") || t.equals("Demands:") || t.equals("Resources") || t.equals("Node status")) {
        section = t;
        continue;
      }
      if (t.isEmpty() || t.startsWith("---") || t.startsWith("====")) {
        continue;
      }
      switch (section) {
        case "Active:" -> {
          Matcher m = ACTIVE.matcher(line);
          if (m.matches()) {
            active.add(new ActiveNode(m.group(1).toLowerCase(), m.group(2), m.group(3)));
          }
        }
        case "Recent failures:" -> {
          if (!t.startsWith("(")) {
            failures.add(t);
          }
        }
        case "Usage:" -> {
          Matcher m = USAGE.matcher(line);
          if (m.matches()) {
            usage.put(m.group(3), new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
          }
        }
        case "Demands:" -> demands.add(t);
        default -> { }
      }
    }
    return new Status(text, List.copyOf(active), List.copyOf(failures), usage, List.copyOf(demands));
  }

  public List<String> activeIds() {
    return active.stream().map(ActiveNode::nodeId).toList();
  }

  public boolean isActive(String nodeId) {
    return activeIds().contains(nodeId.toLowerCase());
  }

  /** Total of a resource over the active nodes, from its "used/total NAME" usage line; -1 if none. */
  public double total(String resource) {
    double[] u = usage.get(resource);
    return u == null ? -1 : u[1];
  }

  public double used(String resource) {
    double[] u = usage.get(resource);
    return u == null ? -1 : u[0];
  }

  /** Objects in the active nodes' stores, from the "(N objects)" of the object store line; -1 if none. */
  public int objects() {
    Matcher m = Pattern.compile("object_store_memory \\((\\d+) objects?\\)").matcher(text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  public boolean hasObjectStoreLine() {
    return text.lines().anyMatch(l -> l.contains("object_store_memory"));
  }

  public boolean noDemands() {
    return demands.size() == 1 && demands.get(0).equals("(no resource demands)");
  }

  /** True if a demand line names the resource, e.g. {@code {CPU=1.0, LATE=1.0}: 1+ pending tasks/actors}. */
  public boolean demands(String resource) {
    return demands.stream().anyMatch(d -> d.matches(".*[{ ,]" + Pattern.quote(resource) + "=[0-9.]+.*pending.*"));
  }

  @Override
  public String toString() {
    return text;
  }
}
