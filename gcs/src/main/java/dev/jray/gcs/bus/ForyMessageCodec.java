package dev.jray.gcs.bus;

import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.gcs.serialization.Serializer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event-bus codec for one jray message type, named {@code jray:<class name>} (Vert.x requires one
 * name per default codec). Local delivery hands over the same instance, since messages are
 * immutable; clustered delivery writes Fory bytes prefixed by their length, and reads them back
 * with a {@link MessageSerializer} that generates no code (encoding runs on an event loop): only
 * the types registered together with this one (and what
 * their fields hold) decode, anything else is refused with a {@link SerializationException}.
 *
 * <p>Thread-safe; the serializers of the type sets registered are kept in a concurrent map for
 * the JVM's life (jray's message types never unload).
 *
 * @param <T> the message type
 */
public final class ForyMessageCodec<T> implements MessageCodec<T, T> {
  private static final Map<Set<Class<?>>, MessageSerializer> SERIALIZERS = new ConcurrentHashMap<>();

  private final Class<T> type;
  private final Serializer serializer;

  /** A codec whose peers may send {@code type} only. */
  public ForyMessageCodec(Class<T> type) {
    this(type, serializerOf(List.of(type)));
  }

  private ForyMessageCodec(Class<T> type, Serializer serializer) {
    this.type = type;
    this.serializer = serializer;
  }

  private static MessageSerializer serializerOf(List<Class<?>> types) {
    return SERIALIZERS.computeIfAbsent(Set.copyOf(types), MessageSerializer::withoutCodegen);
  }

  /**
   * Makes this codec the default codec of each message type on {@code vertx}'s event bus, unless
   * a jray codec already is ({@link DefaultCodecs}). Thread-safe.
   *
   * @throws IllegalStateException if another default codec is already registered for a type
   */
  public static void registerCodecs(Vertx vertx, Class<?>... messageTypes) {
    MessageSerializer serializer = serializerOf(List.of(messageTypes));
    for (Class<?> type : messageTypes) {
      register(vertx, type, serializer);
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type, Serializer serializer) {
    DefaultCodecs.register(vertx, type, () -> new ForyMessageCodec<>(type, serializer));
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    byte[] bytes = serializer.serialize(message);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /**
   * @throws SerializationException if the length does not fit the buffer, or the bytes are not a
   *     {@code T} made of registered types
   */
  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int start = pos + Integer.BYTES;
    int length = buffer.getInt(pos);
    if (length < 0 || length > buffer.length() - start) {
      throw new SerializationException("refused a " + type.getSimpleName() + " message of "
          + length + " bytes in a buffer of " + (buffer.length() - start));
    }
    Object message = serializer.deserialize(buffer.getBytes(start, start + length), null);
    if (!type.isInstance(message)) {
      throw new SerializationException("refused a message for " + type.getName() + ": it holds a "
          + (message == null ? "null" : message.getClass().getName()));
    }
    return type.cast(message);
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return "jray:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
