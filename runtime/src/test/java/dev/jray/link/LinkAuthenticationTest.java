package dev.jray.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes' links against peers without the token: each is refused, real peers keep being served. */
class LinkAuthenticationTest {
  private static final long TIMEOUT_S = 30;
  private static final ClusterToken TOKEN = ClusterToken.generate();

  private record Received(UniqueId from, Object message) {}

  private final Map<UniqueId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final List<NodeLinks> started = new ArrayList<>();
  private final List<Socket> raw = new ArrayList<>();

  /** A message type of the tests' nodes. */
  record Allowed(String text) {}

  /** A type a hostile peer registers, and the tests' nodes do not. */
  record Unregistered(String command) {}

  private NodeLinks node(UniqueId id, ClusterToken token, BlockingQueue<Received> inbox)
      throws IOException {
    return node(id, token, Serializers.fory(), inbox);
  }

  private NodeLinks node(UniqueId id, ClusterToken token, Serializer serializer,
      BlockingQueue<Received> inbox) throws IOException {
    NodeLinks links = new NodeLinks(id, token, null, serializer, getClass().getClassLoader(),
        addresses::get, (from, m, reply) -> inbox.add(new Received(from, m)), Time.SYSTEM);
    addresses.put(id, new InetSocketAddress("127.0.0.1", links.listen("127.0.0.1")));
    started.add(links);
    return links;
  }

  @AfterEach
  void close() throws IOException {
    started.forEach(NodeLinks::close);
    for (Socket s : raw) {
      s.close();
    }
  }

  private Socket rawPeer(InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    s.connect(to, 10_000);
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    raw.add(s);
    return s;
  }

  private static boolean closedByNode(Socket s) throws IOException {
    try {
      while (true) {
        if (s.getInputStream().read() == -1) {
          return true;
        }
      }
    } catch (SocketException e) {
      return true; // reset: closed too
    }
  }

  @Test
  void aNodeWithAnotherTokenIsRefusedOnBothSidesAndNothingArrives() throws Exception {
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksB = node(b, TOKEN, atB);
    NodeLinks stranger = node(IdFactory.newUniqueId(), ClusterToken.generate(),
        new LinkedBlockingQueue<>());

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stranger.request(b, "let me in").get(TIMEOUT_S, TimeUnit.SECONDS));
    stranger.send(b, "and this");

    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(e.getCause().getMessage().endsWith("refused: it did not prove the cluster token"),
        e.getCause().getMessage());
    Await.until("node b refused it", Duration.ofSeconds(TIMEOUT_S),
        () -> linksB.refusedConnections() >= 1);
    assertTrue(atB.isEmpty());
  }

  @Test
  void hostilePeersAreRefusedWhileARealNodeIsServed() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, TOKEN, new LinkedBlockingQueue<>());
    NodeLinks linksB = node(b, TOKEN, atB);
    InetSocketAddress bAddress = addresses.get(b);

    // the HELLO links used to trust: a frame claiming node a's id
    Socket claimedHello = rawPeer(bAddress);
    claimedHello.getOutputStream().write(ByteBuffer.allocate(4 + Frames.HEADER + UniqueId.LENGTH)
        .putInt(Frames.HEADER + UniqueId.LENGTH).put((byte) 0).putLong(0).put(a.getBytes())
        .array());
    Socket garbage = rawPeer(bAddress);
    garbage.getOutputStream().write("\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
    Socket twoGigabytes = rawPeer(bAddress);
    twoGigabytes.getOutputStream().write(ByteBuffer.allocate(8)
        .put("JRAY".getBytes(StandardCharsets.US_ASCII)).putInt(Integer.MAX_VALUE).array());
    linksA.send(b, "real");

    assertEquals(new Received(a, "real"), atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    assertTrue(closedByNode(claimedHello));
    assertTrue(closedByNode(garbage));
    assertTrue(closedByNode(twoGigabytes));
    Await.until("the three are counted as refused", Duration.ofSeconds(TIMEOUT_S),
        () -> linksB.refusedConnections() == 3);
    linksA.send(b, "still served");
    assertEquals(new Received(a, "still served"), atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    assertTrue(atB.isEmpty());
  }

  @Test
  void anAuthenticatedPeerSendingAFrameOverTheLimitLosesItsLink() throws Exception {
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(IdFactory.newUniqueId(), TOKEN, new LinkedBlockingQueue<>());
    node(b, TOKEN, atB);
    try (SocketChannel peer = SocketChannel.open(addresses.get(b))) {
      new Handshake(TOKEN, "link").asClient(peer, IdFactory.newUniqueId());

      peer.write(ByteBuffer.allocate(4 + Frames.HEADER).putInt(Integer.MAX_VALUE)
          .put(Frames.MESSAGE).putLong(0).flip());

      assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the node closed the link");
    }
    ExecutionException tooLarge = assertThrows(ExecutionException.class, () -> linksA.request(b,
        new byte[Frames.DEFAULT_MAX_FRAME_BYTES]).get(TIMEOUT_S, TimeUnit.SECONDS));
    assertTrue(tooLarge.getCause().getMessage().contains("larger than a link frame may be"),
        tooLarge.getCause().getMessage());
    assertTrue(atB.isEmpty());
  }

  @Test
  void twoHundredIdleConnectionsLeaveTheThreadCountBoundedAndRealNodesConnected()
      throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks linksA = node(a, TOKEN, new LinkedBlockingQueue<>());
    node(b, TOKEN, atB);
    linksA.send(b, "warm");
    assertEquals(new Received(a, "warm"), atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    for (int i = 0; i < 200; i++) {
      rawPeer(addresses.get(b));
    }
    UniqueId c = IdFactory.newUniqueId();
    NodeLinks linksC = node(c, TOKEN, new LinkedBlockingQueue<>());
    linksC.send(b, "a new node gets in");
    linksA.send(b, "an old one keeps talking");

    List<Received> got = List.of(atB.poll(TIMEOUT_S, TimeUnit.SECONDS),
        atB.poll(TIMEOUT_S, TimeUnit.SECONDS));
    assertTrue(got.contains(new Received(c, "a new node gets in")), got.toString());
    assertTrue(got.contains(new Received(a, "an old one keeps talking")), got.toString());
    int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    // node c's own threads (acceptor, flusher, connector, reader) and b's reader for c
    assertTrue(threadsAfter - threadsBefore <= 10, threadsBefore + " -> " + threadsAfter);
  }

  @Test
  void aMessageNamingAnUnregisteredClassIsRefusedAndItsLinkClosed() throws Exception {
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    BlockingQueue<Received> atB = new LinkedBlockingQueue<>();
    NodeLinks hostile = node(a, TOKEN, new MessageSerializer(List.of(Allowed.class,
        Unregistered.class)), new LinkedBlockingQueue<>());
    node(b, TOKEN, new MessageSerializer(List.of(Allowed.class)), atB);
    hostile.send(b, new Allowed("fine"));
    assertEquals(new Received(a, new Allowed("fine")), atB.poll(TIMEOUT_S, TimeUnit.SECONDS));

    ExecutionException e = assertThrows(ExecutionException.class, () -> hostile.request(b,
        new Unregistered("System.exit")).get(TIMEOUT_S, TimeUnit.SECONDS));

    assertInstanceOf(IOException.class, e.getCause(), "the link was closed");
    assertTrue(atB.isEmpty());
  }
}
