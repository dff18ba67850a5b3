package dev.jray.autoscaler;

import dev.jray.gcs.Gcs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The nodes the autoscaler launched, kept in the GCS ({@value #KEY}) rather than in the memory of
 * the member that launched them: when that member dies, the next leader's autoscaler adopts them
 * (it counts them, removes them when idle, gives up those that never joined). One entry, a line
 * per node, changed by compare-and-set.
 *
 * <p>Threading: thread-safe (the GCS's update is atomic).
 */
public final class LaunchedNodes {
  public static final String KEY = "autoscaler:launched";

  /** A launched node, and where its process runs (pid on host; 0 when not a local process). */
  public record Entry(String nodeId, String type, long launchedAtMs, long pid, String host) {
    public Entry {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(host, "host");
    }

    NodeProvider.Launched launched() {
      return new NodeProvider.Launched(nodeId, type, launchedAtMs);
    }
  }

  private final Gcs gcs;

  public LaunchedNodes(Gcs gcs) {
    this.gcs = Objects.requireNonNull(gcs, "gcs");
  }

  public List<Entry> all() {
    return parse(gcs.kv().get(KEY));
  }

  public void add(Entry e) {
    gcs.kv().putIfAbsent(KEY, new byte[0]); // update changes only an entry that exists
    gcs.kv().update(KEY, old -> {
      List<Entry> list = new ArrayList<>(parse(old));
      list.removeIf(x -> x.nodeId().equals(e.nodeId()));
      list.add(e);
      return format(list);
    });
  }

  public void remove(String nodeId) {
    gcs.kv().update(KEY, old -> {
      List<Entry> list = new ArrayList<>(parse(old));
      list.removeIf(x -> x.nodeId().equals(nodeId));
      return format(list);
    });
  }

  static List<Entry> parse(byte[] bytes) {
    List<Entry> out = new ArrayList<>();
    if (bytes == null) {
      return out;
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 5) {
        try {
          out.add(new Entry(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]));
        } catch (NumberFormatException skipped) {
          // a line no version of this class wrote
        }
      }
    }
    return out;
  }

  static byte[] format(List<Entry> entries) {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      b.append(e.nodeId()).append('\t').append(e.type()).append('\t').append(e.launchedAtMs())
          .append('\t').append(e.pid()).append('\t').append(e.host()).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
