package dev.jray.gcs.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.shareddata.LocalMap;
import java.util.function.Supplier;

/**
 * The default event-bus codecs of jray's message types, registered once per Vert.x: several
 * verticles of one node (and several nodes in one Vert.x) register the types they send, and the
 * bus refuses a second default codec for a type.
 *
 * <p>Thread-safe: registration is serialized on this class.
 */
public final class DefaultCodecs {
  /** The shared-data map of the types registered, kept in the Vertx so it dies with it. */
  private static final String REGISTERED = "jray.message-codecs";

  private DefaultCodecs() {}

  /**
   * Makes {@code codec}'s codec the default of {@code type} on {@code vertx}'s bus, unless a jray
   * codec already is; {@code codec} is called only then.
   *
   * @throws IllegalStateException if a codec not registered here is already the type's default
   */
  public static synchronized <T> void register(Vertx vertx, Class<T> type,
      Supplier<? extends MessageCodec<T, ?>> codec) {
    LocalMap<String, Boolean> registered = vertx.sharedData().getLocalMap(REGISTERED);
    if (registered.putIfAbsent(type.getName(), Boolean.TRUE) == null) {
      try {
        vertx.eventBus().registerDefaultCodec(type, codec.get());
      } catch (RuntimeException e) {
        registered.remove(type.getName());
        throw e;
      }
    }
  }
}
