package dev.jray.gcs.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForyMessageCodecTest {
  /** Message types are plain records: immutable, and not Serializable. */
  record Ping(String text, List<Integer> numbers, Map<String, Long> tags) {}

  record Pong(long sequence) {}

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void localRequestAndReplyCarryTheSameInstance() throws Exception {
    ForyMessageCodec.registerCodecs(vertx, Ping.class, Pong.class);
    ForyMessageCodec.registerCodecs(vertx, Ping.class); // idempotent
    EventBus bus = vertx.eventBus();
    AtomicReference<Object> received = new AtomicReference<>();
    MessageConsumer<Ping> consumer =
        bus.consumer(
            "ping",
            message -> {
              received.set(message.body());
              message.reply(message.body());
            });
    await(consumer.completion());

    Ping ping = new Ping("hello", List.of(1, 2, 3), Map.of("a", 1L));
    Message<Object> reply = await(bus.request("ping", ping));

    assertSame(ping, received.get());
    assertSame(ping, reply.body());
  }

  @Test
  void wireEncodingRoundTripsAtAnyBufferPosition() {
    ForyMessageCodec<Ping> codec = new ForyMessageCodec<>(Ping.class);
    Ping ping = new Ping("wire", List.of(7, 8), Map.of("x", Long.MAX_VALUE));
    Buffer buffer = Buffer.buffer().appendString("preceding frame");
    int pos = buffer.length();

    codec.encodeToWire(buffer, ping);
    int end = buffer.length();
    buffer.appendString("following frame");

    assertEquals(end - pos - Integer.BYTES, buffer.getInt(pos)); // length prefix
    Ping decoded = codec.decodeFromWire(pos, buffer);
    assertEquals(ping, decoded);
    assertNotSame(ping, decoded);
  }

  @Test
  void isAUserCodecNamedPerType() {
    ForyMessageCodec<Pong> codec = new ForyMessageCodec<>(Pong.class);
    assertEquals("jray:" + Pong.class.getName(), codec.name());
    assertEquals(-1, codec.systemCodecID());
    Pong pong = new Pong(3);
    assertSame(pong, codec.transform(pong));
  }

  @Test
  void registrationIsPerVertxInstance() throws Exception {
    ForyMessageCodec.registerCodecs(vertx, Pong.class);
    Vertx other = Vertx.vertx();
    try {
      ForyMessageCodec.registerCodecs(other, Pong.class);
      // Registered on the other bus too: a clash with a foreign codec would throw here.
      ForyMessageCodec<Pong> foreign = new ForyMessageCodec<>(Pong.class);
      assertThrows(
          IllegalStateException.class,
          () -> other.eventBus().registerDefaultCodec(Pong.class, foreign));
    } finally {
      await(other.close());
    }
  }
}
