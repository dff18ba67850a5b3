package dev.jray.gcs.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.LogCapture;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real acceptor on loopback, raw sockets as hostile peers, and a manual clock. */
class AuthenticatingAcceptorTest {
  private static final ClusterToken TOKEN = ClusterToken.generate();
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ManualTime time = new ManualTime();
  private final UniqueId self = IdFactory.newUniqueId();
  private final ChannelDeadlines deadlines = new ChannelDeadlines(time, "test-deadlines");
  /** The peers it handed on, by proven id. */
  private final BlockingQueue<UniqueId> authenticated = new LinkedBlockingQueue<>();
  private final List<SocketChannel> handedOn = new ArrayList<>();
  private final List<Socket> peers = new ArrayList<>();
  private LogCapture capture;
  private AuthenticatingAcceptor acceptor;
  private InetSocketAddress address;

  private void start(AuthenticatingAcceptor.Limits limits) throws IOException {
    capture = new LogCapture(AuthenticatingAcceptor.class);
    ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    address = (InetSocketAddress) server.getLocalAddress();
    acceptor = new AuthenticatingAcceptor("test", server, new Handshake(TOKEN, "test"), null, self,
        time, limits, deadlines, (ch, channel, peer) -> {
          synchronized (handedOn) {
            handedOn.add(ch);
          }
          authenticated.add(peer);
        });
  }

  @AfterEach
  void stop() throws IOException {
    capture.close();
    acceptor.close();
    deadlines.close();
    for (Socket s : peers) {
      s.close();
    }
    for (SocketChannel ch : handedOn) {
      ch.close();
    }
  }

  private Socket rawPeer() throws IOException {
    Socket s = new Socket();
    s.connect(address, 10_000);
    s.setSoTimeout((int) WAIT.toMillis());
    peers.add(s);
    return s;
  }

  /** Connects as a node with the token would, and returns its id. */
  private UniqueId realPeer(ClusterToken token) throws IOException {
    UniqueId id = IdFactory.newUniqueId();
    SocketChannel ch = SocketChannel.open(address);
    synchronized (handedOn) {
      handedOn.add(ch);
    }
    assertEquals(self, new Handshake(token, "test").asClient(ch, id));
    return id;
  }

  /** Whether the acceptor closed the peer's connection: its read sees the end. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketException e) {
      return true; // reset: closed as well
    }
  }

  private List<String> logged() {
    return capture.messages();
  }

  @Test
  void aPeerWithTheTokenIsHandedOnWithItsProvenId() throws Exception {
    start(AuthenticatingAcceptor.Limits.DEFAULT);

    UniqueId peer = realPeer(TOKEN);

    assertEquals(peer, authenticated.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(0, acceptor.refused());
    assertEquals(0, acceptor.pending());
  }

  @Test
  void aWrongTokenIsOneLogLineNamingThePeer() throws Exception {
    start(AuthenticatingAcceptor.Limits.DEFAULT);

    try {
      realPeer(ClusterToken.generate());
    } catch (HandshakeException expected) {
      assertEquals("it did not prove the cluster token", expected.getMessage());
    }

    Await.until("the refusal is logged", WAIT, () -> !logged().isEmpty());
    String line = logged().get(0);
    assertTrue(line.matches("test from 127\\.0\\.0\\.1:\\d+ refused: it did not prove the cluster"
        + " token"), line);
    assertTrue(authenticated.isEmpty());
  }

  @Test
  void peersThatNeverFinishAreClosedAtTheDeadlineOfTheInjectedClock() throws Exception {
    start(AuthenticatingAcceptor.Limits.DEFAULT);
    Socket idle = rawPeer();
    Socket stalled = rawPeer();
    stalled.getOutputStream().write("JRAY".getBytes(StandardCharsets.US_ASCII)); // then nothing
    Await.until("both are pending", WAIT, () -> acceptor.pending() == 2);

    time.advance(DEADLINE.minusMillis(1));
    UniqueId real = realPeer(TOKEN); // they hold no thread a real peer needs
    assertEquals(real, authenticated.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(2, acceptor.pending(), "not yet due");
    time.advance(Duration.ofMillis(1));

    assertTrue(closedByServer(idle));
    assertTrue(closedByServer(stalled));
    Await.until("both are refused", WAIT, () -> acceptor.refused() == 2);
    assertEquals(0, acceptor.pending());
    assertTrue(logged().get(0).endsWith("refused: it sent nothing within 5000 ms")
        || logged().get(0).endsWith("refused: it did not finish the handshake within 5000 ms"),
        logged().toString());
  }

  @Test
  void atTheCapTheLongestIdleConnectionMakesRoomAndBusyOnesAreNeverCrowdedOut()
      throws Exception {
    start(new AuthenticatingAcceptor.Limits(DEADLINE, 10, 3, 2));
    Socket oldest = rawPeer();
    Socket stalled = rawPeer();
    stalled.getOutputStream().write("JRAY".getBytes(StandardCharsets.US_ASCII)); // busy, stuck
    Await.until("two are pending", WAIT, () -> acceptor.pending() == 2);
    rawPeer();
    Await.until("three are pending", WAIT, () -> acceptor.pending() == 3);

    UniqueId real = realPeer(TOKEN);

    assertEquals(real, authenticated.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(closedByServer(oldest), "the longest idle one made room");
    Await.until("it is counted as refused", WAIT, () -> acceptor.refused() == 1);
    assertTrue(logged().get(0).endsWith("refused: it sent nothing while newer connections came"
        + " in"), logged().toString());
    rawPeer();
    rawPeer(); // the cap again: the idle ones make room in turn
    Socket newest = rawPeer();
    Await.until("only the stalled one and the two newest are left", WAIT,
        () -> acceptor.refused() == 3 && acceptor.pending() == 3);
    time.advance(DEADLINE);
    assertTrue(closedByServer(stalled));
    assertTrue(closedByServer(newest));
  }

  @Test
  void twoHundredIdleConnectionsCostNoThreadsAndARealPeerStillGetsIn() throws Exception {
    start(AuthenticatingAcceptor.Limits.DEFAULT);
    realPeer(TOKEN); // the acceptor's threads have started
    authenticated.take();
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    for (int i = 0; i < 200; i++) {
      rawPeer();
    }
    Await.until("the allowed ones are pending", WAIT,
        () -> acceptor.pending() == AuthenticatingAcceptor.Limits.DEFAULT.maxPendingPerAddress());
    UniqueId real = realPeer(TOKEN);

    assertEquals(real, authenticated.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
    assertTrue(threadsAfter - threadsBefore <= 2, threadsBefore + " -> " + threadsAfter);
    // each idle one over the cap crowded out an older one, and the real peer one more
    assertEquals(200 - AuthenticatingAcceptor.Limits.DEFAULT.maxPendingPerAddress() + 1,
        acceptor.refused());
    assertTrue(logged().size() <= 2, "refusals are logged at most once a second: " + logged());
  }
}
