package dev.jray.scheduler;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The event-bus codec of {@link ResourceReport}, written by hand: every node publishes one as it
 * starts and on every change, and a general (Fory) codec built on first use cost a starting
 * node's event loop most of a second. Every count and length read is bounded before use; a
 * report that breaks a bound is refused with a {@link SerializationException}.
 *
 * <p>Layout: node id (28 bytes), total and available (each a count, then name and amount
 * pairs), queued (int), demands (a count, then shape and count pairs); a name is a short length
 * and its UTF-8 bytes.
 *
 * <p>Stateless and thread-safe.
 */
final class ResourceReportCodec implements MessageCodec<ResourceReport, ResourceReport> {
  /** More resource names or demand shapes than a node has; bounds what a peer may send. */
  static final int MAX_ENTRIES = 4096;
  /** Longer than any resource name or demand shape; bounds what a peer may send. */
  static final int MAX_NAME_BYTES = 4096;

  @Override
  public void encodeToWire(Buffer buffer, ResourceReport report) {
    int lengthAt = buffer.length();
    buffer.appendInt(0);
    byte[] id = new byte[UniqueId.LENGTH];
    report.nodeId().copyTo(id, 0);
    buffer.appendBytes(id);
    appendAmounts(buffer, report.total());
    appendAmounts(buffer, report.available());
    buffer.appendInt(report.queued());
    buffer.appendInt(report.demands().size());
    report.demands().forEach((shape, count) -> {
      appendName(buffer, shape);
      buffer.appendInt(count);
    });
    buffer.setInt(lengthAt, buffer.length() - lengthAt - Integer.BYTES);
  }

  @Override
  public ResourceReport decodeFromWire(int pos, Buffer buffer) {
    Reader in = new Reader(buffer, pos);
    int length = in.count("length", buffer.length() - pos - Integer.BYTES);
    Reader body = new Reader(buffer.slice(in.pos, in.pos + length), 0);
    UniqueId node = new UniqueId(body.bytes(UniqueId.LENGTH));
    Map<String, Double> total = body.amounts();
    Map<String, Double> available = body.amounts();
    int queued = body.buffer.getInt(body.take(Integer.BYTES));
    int n = body.count("demand shapes", MAX_ENTRIES);
    Map<String, Integer> demands = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      demands.put(body.name(), body.buffer.getInt(body.take(Integer.BYTES)));
    }
    return new ResourceReport(node, total, available, queued, demands);
  }

  private static void appendAmounts(Buffer buffer, Map<String, Double> amounts) {
    buffer.appendInt(amounts.size());
    amounts.forEach((name, amount) -> {
      appendName(buffer, name);
      buffer.appendDouble(amount);
    });
  }

  private static void appendName(Buffer buffer, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("a resource name or shape of " + bytes.length
          + " bytes is longer than " + MAX_NAME_BYTES);
    }
    buffer.appendShort((short) bytes.length);
    buffer.appendBytes(bytes);
  }

  /** Reads a report's fields, each checked against what is left of the buffer. */
  private static final class Reader {
    final Buffer buffer;
    int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    /** The position of the next {@code n} bytes, which must be there. */
    int take(int n) {
      if (n > buffer.length() - pos) {
        throw new SerializationException("refused a resource report: it ends early");
      }
      int at = pos;
      pos += n;
      return at;
    }

    int count(String what, int max) {
      int n = buffer.getInt(take(Integer.BYTES));
      if (n < 0 || n > max) {
        throw new SerializationException("refused a resource report with " + n + " " + what
            + " (at most " + max + ")");
      }
      return n;
    }

    byte[] bytes(int n) {
      int at = take(n);
      return buffer.getBytes(at, at + n);
    }

    String name() {
      int n = Short.toUnsignedInt(buffer.getShort(take(Short.BYTES)));
      if (n > MAX_NAME_BYTES) {
        throw new SerializationException("refused a resource report with a name of " + n
            + " bytes (at most " + MAX_NAME_BYTES + ")");
      }
      return new String(bytes(n), StandardCharsets.UTF_8);
    }

    Map<String, Double> amounts() {
      int n = count("resources", MAX_ENTRIES);
      Map<String, Double> amounts = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        String name = name();
        amounts.put(name, buffer.getDouble(take(Double.BYTES)));
      }
      return amounts;
    }
  }

  @Override
  public ResourceReport transform(ResourceReport report) {
    return report; // immutable
  }

  @Override
  public String name() {
    return "jray:resource-report";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
