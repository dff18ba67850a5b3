package dev.jray.gcs;

import dev.jray.api.id.UniqueId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's latest load, written to the GCS about once a second for {@code jray status} and for a
 * joining driver's first view (never read on the hot path): resources in use, pending demands by
 * shape, object store usage, and the machine's CPU utilization and memory (for the dashboard). Its
 * GCS form is written by hand ({@link #toBytes}): a serializer instance built only to read it cost
 * a starting driver 200 ms.
 *
 * @param cpuUtilization the machine's recent CPU load, 0 to 1; {@link #UNKNOWN} if not known
 * @param memoryUsedBytes the machine's memory in use (0 with {@code memoryTotalBytes} 0: not known)
 * @param tasksFinished tasks, actor calls and creations that finished on this node since it
 *     started (the dashboard's tasks per second)
 * @param tasksFailed those that failed here, and those its owners here failed themselves
 */
public record NodeLoad(UniqueId nodeId, Map<String, Double> total, Map<String, Double> available,
    Map<String, Integer> demands, long storeUsedBytes, long storeCapacityBytes, int storeObjects,
    long atMs, double cpuUtilization, long memoryUsedBytes, long memoryTotalBytes,
    long tasksFinished, long tasksFailed) implements Serializable {
  /** GCS KV key prefix of each node's latest load, followed by the node id's hex. */
  public static final String KEY_PREFIX = "load:";
  /** {@link #cpuUtilization} of a node that did not say (an older node, or an OS that cannot). */
  public static final double UNKNOWN = -1;
  /**
   * Format of {@link #toBytes}: 3 adds the task counts, 2 the CPU and memory; 1 and 2 are still
   * read (what they lack unknown, counts 0).
   */
  private static final int VERSION = 3;
  private static final int VERSION_WITHOUT_TASKS = 2;
  private static final int VERSION_WITHOUT_MACHINE = 1;

  /** A load without the machine's CPU and memory (not known). */
  public NodeLoad(UniqueId nodeId, Map<String, Double> total, Map<String, Double> available,
      Map<String, Integer> demands, long storeUsedBytes, long storeCapacityBytes, int storeObjects,
      long atMs) {
    this(nodeId, total, available, demands, storeUsedBytes, storeCapacityBytes, storeObjects, atMs,
        UNKNOWN, 0, 0, 0, 0);
  }
  /** The most entries a map of a load may hold when read back. */
  static final int MAX_ENTRIES = 4096;

  /** The GCS form: read back by {@link #fromBytes}. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(nodeId.toHex());
      writeDoubles(out, total);
      writeDoubles(out, available);
      out.writeInt(demands.size());
      for (Map.Entry<String, Integer> e : demands.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue());
      }
      out.writeLong(storeUsedBytes);
      out.writeLong(storeCapacityBytes);
      out.writeInt(storeObjects);
      out.writeLong(atMs);
      out.writeDouble(cpuUtilization);
      out.writeLong(memoryUsedBytes);
      out.writeLong(memoryTotalBytes);
      out.writeLong(tasksFinished);
      out.writeLong(tasksFailed);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    return bytes.toByteArray();
  }

  /**
   * A load written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException naming what is wrong if {@code bytes} is not one
   */
  public static NodeLoad fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version < VERSION_WITHOUT_MACHINE || version > VERSION) {
        throw new IllegalArgumentException("a node load of format " + version + ", not "
            + VERSION_WITHOUT_MACHINE + " to " + VERSION);
      }
      UniqueId node = UniqueId.fromHexString(in.readUTF());
      Map<String, Double> total = readDoubles(in);
      Map<String, Double> available = readDoubles(in);
      int n = count(in);
      Map<String, Integer> demands = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        demands.put(in.readUTF(), in.readInt());
      }
      long storeUsed = in.readLong();
      long storeCapacity = in.readLong();
      int storeObjects = in.readInt();
      long atMs = in.readLong();
      NodeLoad load = version == VERSION_WITHOUT_MACHINE
          ? new NodeLoad(node, total, available, demands, storeUsed, storeCapacity, storeObjects, atMs)
          : new NodeLoad(node, total, available, demands, storeUsed, storeCapacity, storeObjects, atMs,
              in.readDouble(), in.readLong(), in.readLong(),
              version == VERSION_WITHOUT_TASKS ? 0 : in.readLong(),
              version == VERSION_WITHOUT_TASKS ? 0 : in.readLong());
      if (in.read() >= 0) {
        throw new IllegalArgumentException("a node load followed by more bytes");
      }
      return load;
    } catch (IOException e) {
      throw new IllegalArgumentException("a node load cut short: " + e, e);
    }
  }

  /**
   * The latest loads of the given nodes (those that recorded one they can read), key by key: the KV
   * also holds the code packages, too big to copy for this. A load it cannot read (a format of a
   * newer jray) counts as none. Blocks on the GCS.
   */
  public static List<NodeLoad> latest(Gcs gcs, Collection<NodeRecord> nodes) {
    List<NodeLoad> loads = new ArrayList<>();
    for (NodeRecord n : nodes) {
      byte[] bytes = gcs.kv().get(KEY_PREFIX + n.nodeId().toHex());
      if (bytes != null) {
        try {
          loads.add(fromBytes(bytes));
        } catch (IllegalArgumentException unreadable) {
          // another version's load: the node shows without one
        }
      }
    }
    return loads;
  }

  private static void writeDoubles(DataOutputStream out, Map<String, Double> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, Double> e : map.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Map<String, Double> readDoubles(DataInputStream in) throws IOException {
    int n = count(in);
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      map.put(in.readUTF(), in.readDouble());
    }
    return map;
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_ENTRIES) {
      throw new IllegalArgumentException("a node load with " + n + " entries in a map (at most "
          + MAX_ENTRIES + ")");
    }
    return n;
  }
}
