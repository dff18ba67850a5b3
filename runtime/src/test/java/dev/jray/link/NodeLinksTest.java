package dev.jray.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes' links in one JVM, over loopback TCP; and a raw socket posing as a broken peer. */
class NodeLinksTest {
  private static final long TIMEOUT_S = 30;
  private static final ClusterToken TOKEN = ClusterToken.generate();

  /** What one node received: sender and message, in arrival order. */
  private record Received(UniqueId from, Object message) {}

  private final Map<UniqueId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final List<NodeLinks> started = new ArrayList<>();

  private NodeLinks node(UniqueId id, LinkInbox inbox) throws IOException {
    return node(id, inbox, Time.SYSTEM);
  }

  private NodeLinks node(UniqueId id, LinkInbox inbox, Time time) throws IOException {
    NodeLinks links = new NodeLinks(id, TOKEN, null, Serializers.fory(),
        getClass().getClassLoader(), addresses::get, inbox, time);
    addresses.put(id, new InetSocketAddress("127.0.0.1", links.listen("127.0.0.1")));
    started.add(links);
    return links;
  }

  @AfterEach
  void close() {
    started.forEach(NodeLinks::close);
  }

  @Test
  void messagesArriveInOrderWithTheirSender() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, (from, m, reply) -> {});
    node(b, (from, m, reply) -> atB.add(new Received(from, m)));
    for (int i = 0; i < 100; i++) {
      linksA.send(b, "m" + i);
    }
    for (int i = 0; i < 100; i++) {
      Received r = atB.poll(TIMEOUT_S, TimeUnit.SECONDS);
      assertEquals(new Received(a, "m" + i), r);
    }
  }

  @Test
  void aMessageItsThreadNeverFlushesArrivesWhileSendsGoOnAndAfterAQuietSpell() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, (from, m, reply) -> {});
    node(b, (from, m, reply) -> atB.add(new Received(from, m)));
    // each send is one deferred frame this thread leaves to the flusher: first while it is warm,
    // then after longer than it stays warm, when only the send itself can wake it
    for (String m : List.of("warm-1", "warm-2", "after-quiet")) {
      if (m.equals("after-quiet")) {
        Await.until("the flusher goes idle", Duration.ofSeconds(TIMEOUT_S), linksA::flusherIdle);
      }
      linksA.send(b, m);
      assertEquals(new Received(a, m), atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }
  }

  @Test
  void aFailedLinkIsTriedAgainOnlyAfterASecondAndWhatIsSentMeanwhileWaitsForIt() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    ManualTime time = new ManualTime();
    NodeLinks linksA = node(a, (from, m, reply) -> {}, time);
    // b is unknown to a's resolver: the first link to it fails
    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> linksA.request(b, "first").get(TIMEOUT_S, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, unknown.getCause());
    node(b, (from, m, reply) -> reply.ok(m));
    time.advance(Duration.ofMillis(500));
    assertEquals("within the second",
        linksA.request(b, "within the second").get(TIMEOUT_S, TimeUnit.SECONDS));
    assertTrue(time.nanoseconds() >= Duration.ofSeconds(1).toNanos(),
        "the link was opened again a second after the failed one, not before: " + time);
  }

  @Test
  void aBrokenLinkToANodeNotKnownDeadIsReportedToTheInbox() throws Exception {
    try (ServerSocketChannel fake = ServerSocketChannel.open()) {
      fake.bind(new InetSocketAddress("127.0.0.1", 0));
      UniqueId peer = IdFactory.newUniqueId();
      addresses.put(peer, (InetSocketAddress) fake.getLocalAddress());
      BlockingQueue<UniqueId> lost = new LinkedBlockingQueue<>();
      NodeLinks linksA = node(IdFactory.newUniqueId(), new LinkInbox() {
        @Override
        public void onMessage(UniqueId from, Object message, NodeLinks.Reply reply) {}

        @Override
        public void onLinkLost(UniqueId node) {
          lost.add(node);
        }
      });
      linksA.send(peer, "in flight");
      try (SocketChannel accepted = fake.accept()) {
        new Handshake(TOKEN, "link").asServer(accepted, peer);
        FrameReader reader = new FrameReader(accepted, Frames.DEFAULT_MAX_FRAME_BYTES);
        linksA.flushCurrentThread();
        assertEquals(Frames.MESSAGE, reader.next().kind());
      } // the peer's end breaks, the peer still a member as far as a knows
      assertEquals(peer, lost.poll(TIMEOUT_S, TimeUnit.SECONDS));
    }
  }

  @Test
  void whatANodeKnownDeadStillSendsIsIgnored() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Object> atA = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, (from, m, reply) -> atA.add(m));
    byte[] late = Serializers.fory().serialize("a late result");
    linksA.onFrame(b, new Frames.Frame(Frames.MESSAGE, 0, ByteBuffer.wrap(late)), null);
    assertEquals("a late result", atA.poll(TIMEOUT_S, TimeUnit.SECONDS), "b is alive");
    linksA.onNodeDied(b);
    linksA.onFrame(b, new Frames.Frame(Frames.MESSAGE, 0, ByteBuffer.wrap(late)), null);
    assertTrue(atA.isEmpty(), "b was declared dead: what it still sends is not acted on");
  }

  @Test
  void concurrentSendersEachKeepTheirOrder() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    int senders = 4;
    int perSender = 5_000;
    int[] next = new int[senders];
    AtomicReference<String> disorder = new AtomicReference<>();
    CountDownLatch all = new CountDownLatch(senders * perSender);
    NodeLinks linksA = node(a, (from, m, reply) -> {});
    node(b, (from, m, reply) -> { // one reader thread: no lock needed
      int[] pair = (int[]) m;
      if (next[pair[0]] != pair[1]) {
        disorder.compareAndSet(null, "sender " + pair[0] + ": got " + pair[1] + ", expected " + next[pair[0]]);
      }
      next[pair[0]] = pair[1] + 1;
      all.countDown();
    });
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int sender = s;
      threads.add(started(() -> {
        for (int i = 0; i < perSender; i++) {
          linksA.send(b, new int[] {sender, i});
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(all.await(TIMEOUT_S, TimeUnit.SECONDS), all.getCount() + " messages missing");
    assertNull(disorder.get());
  }

  @Test
  void requestsAreAnsweredAndLargeMessagesArriveWhole() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    NodeLinks linksA = node(a, (from, m, reply) -> {});
    node(b, (from, m, reply) -> {
      if (m instanceof byte[] bytes) {
        reply.ok(bytes.length);
      } else {
        reply.fail("not bytes: " + m);
      }
    });
    byte[] large = new byte[4 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    assertEquals(large.length, linksA.request(b, large).get(TIMEOUT_S, TimeUnit.SECONDS));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> linksA.request(b, "text").get(TIMEOUT_S, TimeUnit.SECONDS));
    assertEquals("not bytes: text", failed.getCause().getMessage());

    BlockingQueue<Object> atC = new LinkedBlockingQueue<>();
    UniqueId c = IdFactory.newUniqueId();
    node(c, (from, m, reply) -> atC.add(m));
    linksA.send(c, large);
    assertArrayEquals(large, (byte[]) atC.poll(TIMEOUT_S, TimeUnit.SECONDS));
  }

  @Test
  void aSendToAnUnknownNodeIsDroppedAndARequestFails() throws Exception {
    NodeLinks linksA = node(IdFactory.newUniqueId(), (from, m, reply) -> {});
    UniqueId nobody = IdFactory.newUniqueId();
    linksA.send(nobody, "lost"); // dropped, as a bus send to an address nobody listens on
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> linksA.request(nobody, "anyone?").get(TIMEOUT_S, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void aPeerThatClosesFailsItsPendingRequests() throws Exception {
    try (ServerSocketChannel fake = ServerSocketChannel.open()) {
      fake.bind(new InetSocketAddress("127.0.0.1", 0));
      UniqueId peer = IdFactory.newUniqueId();
      addresses.put(peer, (InetSocketAddress) fake.getLocalAddress());
      NodeLinks linksA = node(IdFactory.newUniqueId(), (from, m, reply) -> {});
      var reply = linksA.request(peer, "hello?");
      try (SocketChannel accepted = fake.accept()) {
        new Handshake(TOKEN, "link").asServer(accepted, peer);
        FrameReader reader = new FrameReader(accepted, Frames.DEFAULT_MAX_FRAME_BYTES);
        assertEquals(Frames.REQUEST, reader.next().kind());
        // half a reply frame, then gone
        accepted.write(ByteBuffer.allocate(6).putInt(100).put(Frames.REPLY).flip());
      }
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> reply.get(TIMEOUT_S, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("middle of a frame"), e.getCause().getMessage());
    }
  }

  @Test
  void aDeadNodeIsNeverConnectedToAgain() throws Exception {
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Object> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(IdFactory.newUniqueId(), (from, m, reply) -> {});
    node(b, (from, m, reply) -> atB.add(m));
    linksA.send(b, "before");
    assertEquals("before", atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    linksA.onNodeDied(b);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> linksA.request(b, "after").get(TIMEOUT_S, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(atB.isEmpty());
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }
}
