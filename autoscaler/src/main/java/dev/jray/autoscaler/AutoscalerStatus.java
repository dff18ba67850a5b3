package dev.jray.autoscaler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the autoscaler last decided, kept in the GCS for {@code jray status} (its Pending section,
 * and the autoscaler's recent decisions): a few lines of text, {@code KIND<TAB>fields}.
 *
 * @param pending nodes launched that have not joined yet, as {@code TYPE NODE_ID}
 * @param decisions the latest decisions, oldest first, at most {@link #MAX_DECISIONS}
 * @param infeasible shapes no node type holds
 * @param capped shapes waiting for room under {@code max_workers}
 */
public record AutoscalerStatus(List<String> pending, List<String> decisions,
    List<String> infeasible, List<String> capped) {
  /** The GCS KV key it is kept under. */
  public static final String KEY = "autoscaler:status";
  static final int MAX_DECISIONS = 20;
  /** Lines read back at most: more is not a status this class wrote. */
  private static final int MAX_LINES = 10_000;

  public AutoscalerStatus {
    pending = List.copyOf(pending);
    decisions = List.copyOf(decisions);
    infeasible = List.copyOf(infeasible);
    capped = List.copyOf(capped);
  }

  public byte[] toBytes() {
    StringBuilder s = new StringBuilder();
    pending.forEach(p -> s.append("pending\t").append(p).append('\n'));
    decisions.forEach(d -> s.append("decision\t").append(d).append('\n'));
    infeasible.forEach(i -> s.append("infeasible\t").append(i).append('\n'));
    capped.forEach(c -> s.append("capped\t").append(c).append('\n'));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads what {@link #toBytes} wrote; lines of other kinds are skipped. */
  public static AutoscalerStatus fromBytes(byte[] bytes) {
    List<String> pending = new ArrayList<>();
    List<String> decisions = new ArrayList<>();
    List<String> infeasible = new ArrayList<>();
    List<String> capped = new ArrayList<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", MAX_LINES + 1);
    for (int i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
      int tab = lines[i].indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String value = lines[i].substring(tab + 1);
      switch (lines[i].substring(0, tab)) {
        case "pending" -> pending.add(value);
        case "decision" -> decisions.add(value);
        case "infeasible" -> infeasible.add(value);
        case "capped" -> capped.add(value);
        default -> { }
      }
    }
    return new AutoscalerStatus(pending, decisions, infeasible, capped);
  }
}
