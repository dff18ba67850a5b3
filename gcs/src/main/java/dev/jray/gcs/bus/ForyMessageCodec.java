package dev.jray.gcs.bus;

import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.serialization.Serializers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.shareddata.LocalMap;
import java.util.Objects;

/**
 * Event-bus codec for one jray message type, named {@code jray:<class name>} (Vert.x requires one
 * name per default codec). Local delivery hands over the same instance, since messages are
 * immutable; clustered delivery writes the {@link Serializers#fory() Fory} bytes prefixed by their
 * length, and reads them back with the message type's class loader.
 *
 * <p>Stateless and thread-safe.
 *
 * @param <T> the message type
 */
public final class ForyMessageCodec<T> implements MessageCodec<T, T> {
  private static final String REGISTERED = "jray.message-codecs";
  private static final Serializer SERIALIZER = Serializers.fory();

  private final Class<T> type;
  private final ClassLoader loader;

  public ForyMessageCodec(Class<T> type) {
    this.type = type;
    this.loader =
        Objects.requireNonNullElse(type.getClassLoader(), ClassLoader.getSystemClassLoader());
  }

  /**
   * Makes this codec the default codec of each message type on {@code vertx}'s event bus. Calling
   * it again for a type already registered on that Vertx does nothing. Thread-safe.
   *
   * @throws IllegalStateException if another default codec is already registered for a type
   */
  public static synchronized void registerCodecs(Vertx vertx, Class<?>... messageTypes) {
    // Kept in the Vertx instance itself, so it lives and dies with that instance.
    LocalMap<String, Boolean> registered = vertx.sharedData().getLocalMap(REGISTERED);
    for (Class<?> type : messageTypes) {
      if (!registered.containsKey(type.getName())) {
        register(vertx.eventBus(), type);
        registered.put(type.getName(), Boolean.TRUE);
      }
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new ForyMessageCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    byte[] bytes = SERIALIZER.serialize(message);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int start = pos + Integer.BYTES;
    byte[] bytes = buffer.getBytes(start, start + buffer.getInt(pos));
    return type.cast(SERIALIZER.deserialize(bytes, loader));
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
