package dev.jray.attach;

import dev.jray.attach.BusMessages.Body;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.placement.PlacementMessages;
import dev.jray.scheduler.SchedulerMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The event-bus bodies the bridge carries, as bytes and a codec name: Vert.x's built-in types
 * ({@code null}, {@link String}, {@link JsonObject}, {@link JsonArray}, {@link Buffer}, {@code
 * byte[]}, the boxed primitives) and an explicit list of jray's message records. The bridge
 * cannot ask the bus which codec a body was sent with (that is Vert.x's internal API), so both
 * sides name the types they carry here, from the same lists the verticles register codecs for;
 * a record is named {@code jray:<class name>}, as its {@code ForyMessageCodec} is.
 *
 * <p>Records are written by one {@link MessageSerializer} (no code generation: encoding runs on
 * event loops and link readers) that knows the listed types only, so a peer's bytes decode into
 * nothing else. Its Fory is built on the first record body, not here: a worker process's start
 * does not pay for it.
 *
 * <p>Threading: immutable and thread-safe.
 */
public final class BusBodies {
  static final String NULL = "null";
  static final String STRING = "string";
  static final String JSON_OBJECT = "json-object";
  static final String JSON_ARRAY = "json-array";
  static final String BUFFER = "buffer";
  static final String BYTES = "bytes";
  static final String BOOLEAN = "boolean";
  static final String BYTE = "byte";
  static final String SHORT = "short";
  static final String CHAR = "char";
  static final String INT = "int";
  static final String LONG = "long";
  static final String FLOAT = "float";
  static final String DOUBLE = "double";
  private static final String RECORD_PREFIX = "jray:";

  /** The record types carried, by codec name. */
  private final Map<String, Class<?>> records;
  /** Null when no record type is carried. */
  private final MessageSerializer serializer;

  /**
   * @param recordTypes jray's message types carried besides Vert.x's built-ins; each must be
   *     serializable by a {@link MessageSerializer} (no open abstract field types)
   * @throws IllegalArgumentException if a type holds an open interface or abstract class
   */
  public BusBodies(Collection<Class<?>> recordTypes) {
    Map<String, Class<?>> byName = new HashMap<>();
    for (Class<?> type : recordTypes) {
      byName.put(RECORD_PREFIX + type.getName(), Objects.requireNonNull(type, "record type"));
    }
    this.records = Map.copyOf(byName);
    this.serializer = recordTypes.isEmpty() ? null
        : MessageSerializer.withoutCodegen(List.copyOf(recordTypes));
  }

  /**
   * The bodies of a worker process's bridged conversations ({@link BusAddresses#workerProcess}):
   * the placement messages, the scheduler's messages and its resource reports, with the
   * built-ins (JSON stats and log replies, the empty string of a report request).
   */
  public static BusBodies workerProcess() {
    List<Class<?>> types = new ArrayList<>(PlacementMessages.types());
    types.addAll(SchedulerMessages.types());
    types.add(SchedulerMessages.ResourceReport.class);
    return new BusBodies(types);
  }

  /** The record types carried besides the built-ins. */
  public Set<Class<?>> recordTypes() {
    return Set.copyOf(records.values());
  }

  /**
   * A body as it crosses the link.
   *
   * @throws IllegalArgumentException naming its class if it is neither a built-in nor a record
   *     type given, or cannot be written
   */
  public Body encode(Object body) {
    if (body == null) {
      return new Body(NULL, new byte[0]);
    } else if (body instanceof String s) {
      return new Body(STRING, s.getBytes(StandardCharsets.UTF_8));
    } else if (body instanceof JsonObject json) {
      return new Body(JSON_OBJECT, json.toBuffer().getBytes());
    } else if (body instanceof JsonArray json) {
      return new Body(JSON_ARRAY, json.toBuffer().getBytes());
    } else if (body instanceof Buffer buffer) {
      return new Body(BUFFER, buffer.getBytes());
    } else if (body instanceof byte[] bytes) {
      return new Body(BYTES, bytes.clone());
    } else if (body instanceof Boolean b) {
      return new Body(BOOLEAN, new byte[] {(byte) (b ? 1 : 0)});
    } else if (body instanceof Byte b) {
      return new Body(BYTE, new byte[] {b});
    } else if (body instanceof Short s) {
      return new Body(SHORT, ByteBuffer.allocate(Short.BYTES).putShort(s).array());
    } else if (body instanceof Character c) {
      return new Body(CHAR, ByteBuffer.allocate(Character.BYTES).putChar(c).array());
    } else if (body instanceof Integer i) {
      return new Body(INT, ByteBuffer.allocate(Integer.BYTES).putInt(i).array());
    } else if (body instanceof Long l) {
      return new Body(LONG, ByteBuffer.allocate(Long.BYTES).putLong(l).array());
    } else if (body instanceof Float f) {
      return new Body(FLOAT, ByteBuffer.allocate(Float.BYTES).putFloat(f).array());
    } else if (body instanceof Double d) {
      return new Body(DOUBLE, ByteBuffer.allocate(Double.BYTES).putDouble(d).array());
    }
    String name = RECORD_PREFIX + body.getClass().getName();
    if (records.get(name) != body.getClass()) {
      throw new IllegalArgumentException("a " + body.getClass().getName() + " body cannot cross"
          + " the bus bridge: it is not one of the types it carries (" + records.keySet() + ")");
    }
    try {
      return new Body(name, serializer.serialize(body));
    } catch (SerializationException e) {
      throw new IllegalArgumentException("cannot write a " + body.getClass().getName()
          + " body for the bus bridge: " + e.getMessage(), e);
    }
  }

  /**
   * A body that crossed the link.
   *
   * @throws IllegalArgumentException if its codec is unknown or its bytes are not one of its type
   */
  public Object decode(Body body) {
    if (body == null || body.codec() == null || body.bytes() == null) {
      throw new IllegalArgumentException("a bridged body without its codec or bytes");
    }
    byte[] b = body.bytes();
    try {
      return switch (body.codec()) {
        case NULL -> null;
        case STRING -> new String(b, StandardCharsets.UTF_8);
        case JSON_OBJECT -> new JsonObject(Buffer.buffer(b));
        case JSON_ARRAY -> new JsonArray(Buffer.buffer(b));
        case BUFFER -> Buffer.buffer(b);
        case BYTES -> b.clone();
        case BOOLEAN -> exactly(b, 1)[0] != 0;
        case BYTE -> exactly(b, 1)[0];
        case SHORT -> ByteBuffer.wrap(exactly(b, Short.BYTES)).getShort();
        case CHAR -> ByteBuffer.wrap(exactly(b, Character.BYTES)).getChar();
        case INT -> ByteBuffer.wrap(exactly(b, Integer.BYTES)).getInt();
        case LONG -> ByteBuffer.wrap(exactly(b, Long.BYTES)).getLong();
        case FLOAT -> ByteBuffer.wrap(exactly(b, Float.BYTES)).getFloat();
        case DOUBLE -> ByteBuffer.wrap(exactly(b, Double.BYTES)).getDouble();
        default -> record(body.codec(), b);
      };
    } catch (DecodeException | SerializationException e) {
      throw new IllegalArgumentException("a bridged " + BusMessages.printable(body.codec())
          + " body of " + b.length + " bytes does not decode: " + e.getMessage(), e);
    }
  }

  private Object record(String codec, byte[] bytes) {
    Class<?> type = records.get(codec);
    if (type == null) {
      throw new IllegalArgumentException("a bridged body of unknown codec '"
          + BusMessages.printable(codec) + "'");
    }
    Object value = serializer.deserialize(bytes, null);
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("a bridged body named " + codec + " holds a "
          + (value == null ? "null" : value.getClass().getName()));
    }
    return value;
  }

  private static byte[] exactly(byte[] bytes, int length) {
    if (bytes.length != length) {
      throw new IllegalArgumentException("a bridged primitive of " + bytes.length
          + " bytes, expected " + length);
    }
    return bytes;
  }
}
