package dev.jray.gcs;

import dev.jray.api.id.UniqueId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's latest load, written to the GCS about once a second for {@code jray status} and for a
 * joining driver's first view (never read on the hot path): resources in use, pending demands by
 * shape, object store usage. Its GCS form is written by hand ({@link #toBytes}): a serializer
 * instance built only to read it cost a starting driver 200 ms.
 */
public record NodeLoad(UniqueId nodeId, Map<String, Double> total, Map<String, Double> available,
    Map<String, Integer> demands, long storeUsedBytes, long storeCapacityBytes, int storeObjects,
    long atMs) implements Serializable {
  /** Format of {@link #toBytes}; a record of another version is refused. */
  private static final int VERSION = 1;
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
      if (version != VERSION) {
        throw new IllegalArgumentException("a node load of format " + version + ", not " + VERSION);
      }
      UniqueId node = UniqueId.fromHexString(in.readUTF());
      Map<String, Double> total = readDoubles(in);
      Map<String, Double> available = readDoubles(in);
      int n = count(in);
      Map<String, Integer> demands = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        demands.put(in.readUTF(), in.readInt());
      }
      NodeLoad load = new NodeLoad(node, total, available, demands, in.readLong(), in.readLong(),
          in.readInt(), in.readLong());
      if (in.read() >= 0) {
        throw new IllegalArgumentException("a node load followed by more bytes");
      }
      return load;
    } catch (IOException e) {
      throw new IllegalArgumentException("a node load cut short: " + e, e);
    }
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
