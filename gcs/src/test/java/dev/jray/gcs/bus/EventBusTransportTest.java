package dev.jray.gcs.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event bus's frame limit: on a server configured as Vert.x configures the bus's, a length
 * prefix over the limit (or not positive) closes the connection before its bytes are handed on,
 * frames within it pass through whole however they are split, and a connection that sends no
 * whole message is closed; other servers of the same Vert.x (an HTTP server) are not limited.
 */
class EventBusTransportTest {
  private static final int LIMIT = 64 << 10;
  /** How soon a connection to the bus must send its first whole message, here. */
  private static final Duration FIRST = Duration.ofMillis(500);
  private final EventBusOptions bus = new EventBusOptions().setHost("127.0.0.1").setPort(0);
  private final AtomicLong received = new AtomicLong();
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.builder()
        .withTransport(new EventBusTransport(bus, LIMIT, FIRST, new ManualTime())).build();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void framesWithinTheLimitPassWholeHoweverTheyAreSplit() throws Exception {
    EventBusFrameLimit limit = new EventBusFrameLimit(LIMIT, FIRST, Duration.ZERO, null, null, Time.SYSTEM);
    byte[] twoFrames = ByteBuffer.allocate(4 + 3 + 4 + 1).putInt(3).put(new byte[3]).putInt(1)
        .put((byte) 9).array();
    for (int split = 0; split <= twoFrames.length; split++) {
      EventBusFrameLimit fresh = new EventBusFrameLimit(LIMIT, FIRST, Duration.ZERO, null, null, Time.SYSTEM);
      assertNull(fresh.follow(Unpooled.wrappedBuffer(twoFrames, 0, split)));
      assertNull(fresh.follow(Unpooled.wrappedBuffer(twoFrames, split, twoFrames.length - split)),
          "split at " + split);
    }
    assertNull(limit.follow(Unpooled.wrappedBuffer(ByteBuffer.allocate(4).putInt(LIMIT - 4)
        .array())), "the largest frame");
  }

  @Test
  void aLengthOverTheLimitOrNotPositiveIsRefused() {
    for (int length : new int[] {LIMIT - 3, Integer.MAX_VALUE, 0, -1}) {
      String why = new EventBusFrameLimit(LIMIT, FIRST, Duration.ZERO, null, null, Time.SYSTEM).follow(Unpooled.wrappedBuffer(
          ByteBuffer.allocate(4).putInt(length).array()));
      assertTrue(why != null && why.contains(Integer.toUnsignedString(length) + " bytes"),
          length + ": " + why);
    }
  }

  @Test
  void theBusServerClosesAConnectionAnnouncingTwoGigabytesBeforeBufferingIt() throws Exception {
    int port = listen(new NetServerOptions(bus.toJson()));
    try (Socket s = connect(port)) {
      OutputStream out = s.getOutputStream();
      out.write(ByteBuffer.allocate(8).putInt(5).put("hello".getBytes(), 0, 4).array());
      out.write('o');
      Await.until(Time.SYSTEM, Duration.ofSeconds(10), () -> received.get() == 9);
      assertEquals(9, received.get(), "a frame within the limit goes through");

      assertTrue(closedAfterWriting(s, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array()));
    }
    assertEquals(9, received.get(), "nothing of the refused frame was handed on");
  }

  @Test
  void aConnectionToTheBusThatSendsNoWholeMessageIsClosedAndOneThatDidStays() throws Exception {
    int port = listen(new NetServerOptions(bus.toJson()));
    try (Socket idle = connect(port); Socket talking = connect(port)) {
      idle.getOutputStream().write(new byte[] {0, 0, 0, 9, 1}); // a message begun, never ended
      talking.getOutputStream().write(ByteBuffer.allocate(5).putInt(1).put((byte) 1).array());
      assertTrue(closedAfterWriting(idle, new byte[0]), "the idle one is closed");
      assertFalse(closedAfterWriting(talking, new byte[0]),
          "the one that sent a message stays (its next deadline is three ping intervals away)");
    }
  }

  @Test
  void aDeadlineThatPassedWhileTheLoopWasBlockedGivesThePeerItsWindowAgain() {
    ManualTime time = new ManualTime();
    EventBusTransport.Refusals refusals = new EventBusTransport.Refusals(time);
    EmbeddedChannel onTime = limited(refusals, time);
    advance(onTime, time, FIRST);
    assertFalse(onTime.isOpen(), "silent for the whole window, checked on time: closed");

    EmbeddedChannel stalled = limited(refusals, time);
    advance(stalled, time, FIRST.plusSeconds(2)); // the loop was blocked past the deadline
    assertTrue(stalled.isOpen(), "a check 2 s late is the loop's fault, not the peer's");
    stalled.writeInbound(Unpooled.wrappedBuffer(ByteBuffer.allocate(5).putInt(1).put((byte) 1)
        .array()));
    advance(stalled, time, FIRST);
    assertTrue(stalled.isOpen(), "its message, read after the stall, counts");

    EmbeddedChannel stalledSilent = limited(refusals, time);
    advance(stalledSilent, time, FIRST.plusSeconds(2));
    advance(stalledSilent, time, FIRST);
    assertFalse(stalledSilent.isOpen(), "still silent a whole window after the stall: closed");
  }

  private static EmbeddedChannel limited(EventBusTransport.Refusals refusals, ManualTime time) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(new EventBusFrameLimit(LIMIT, FIRST, Duration.ZERO, refusals,
        new PendingConnections(256, 64), time));
    return channel;
  }

  /** Moves the channel's loop and the limit's clock on together, then runs what came due. */
  private static void advance(EmbeddedChannel channel, ManualTime time, Duration by) {
    time.advance(by);
    channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aFloodOfSilentConnectionsKeepsAtMostTheCapOpenAndANodeThatWritesStillGetsIn()
      throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // a first-message window longer than the test: only the cap closes connections here
    vertx = Vertx.builder().withTransport(new EventBusTransport(bus, LIMIT,
        Duration.ofMinutes(5), new ManualTime())).build();
    int port = listen(new NetServerOptions(bus.toJson()));
    int cap = PendingConnections.DEFAULT_MAX_PER_ADDRESS;
    List<Socket> flood = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * cap; i++) {
        flood.add(connect(port));
      }
      try (Socket node = connect(port)) {
        node.getOutputStream().write(ByteBuffer.allocate(5).putInt(1).put((byte) 7).array());
        Await.until(Time.SYSTEM, Duration.ofSeconds(10), () -> received.get() == 5);
        assertFalse(closedAfterWriting(node, new byte[0], Duration.ofMillis(200)),
            "the node that wrote stays");
      }
      int open = 0;
      for (Socket s : flood) {
        open += closedAfterWriting(s, new byte[0], Duration.ofMillis(50)) ? 0 : 1;
      }
      assertTrue(open <= cap && open >= cap - 2, open + " of " + flood.size()
          + " silent connections stayed open; the cap is " + cap);
    } finally {
      for (Socket s : flood) {
        s.close();
      }
    }
  }

  @Test
  void anotherServerOfTheSameVertxIsNotLimited() throws Exception {
    int port = listen(new NetServerOptions().setHost("127.0.0.1").setPort(0).setReuseAddress(false));
    try (Socket s = connect(port)) {
      s.getOutputStream().write(ByteBuffer.allocate(4 + 1000).putInt(Integer.MAX_VALUE).array());
      Await.until(Time.SYSTEM, Duration.ofSeconds(10), () -> received.get() == 1004);
      assertEquals(1004, received.get());
      assertFalse(closedAfterWriting(s, new byte[0]));
    }
  }

  @Test
  void anHttpServerOnTheSameHostAndAnyPortIsNotLimited() throws Exception {
    int port = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> request.response().end("ok"))
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    try (Socket s = connect(port)) {
      // "GET " read as a frame length would be 1.2 GB: the bus's limit would close it
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(
          StandardCharsets.US_ASCII));
      s.setSoTimeout(10_000);
      byte[] head = s.getInputStream().readNBytes(15);
      assertEquals("HTTP/1.1 200 OK", new String(head, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aMaximumFrameThatIsNotASizeIsOneLineNamingTheProperty() {
    assertEquals(EventBusTransport.DEFAULT_MAX_FRAME_BYTES, EventBusTransport.maxFrameBytes(null));
    assertEquals(1 << 20, EventBusTransport.maxFrameBytes(" 1048576 "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventBusTransport.maxFrameBytes("12"));
    assertEquals("-Djray.bus.max-frame-bytes=12 is not a number of bytes from 65536 to "
        + Integer.MAX_VALUE, e.getMessage());
  }

  private int listen(NetServerOptions options) throws Exception {
    NetServer server = vertx.createNetServer(options)
        .connectHandler(socket -> socket.handler(b -> received.addAndGet(b.length())));
    return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  /** Writes {@code bytes}; whether the server then closes the connection within 5 s. */
  private static boolean closedAfterWriting(Socket s, byte[] bytes) throws IOException {
    return closedAfterWriting(s, bytes, Duration.ofSeconds(5));
  }

  private static boolean closedAfterWriting(Socket s, byte[] bytes, Duration within)
      throws IOException {
    s.getOutputStream().write(bytes);
    s.setSoTimeout((int) within.toMillis());
    InputStream in = s.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
