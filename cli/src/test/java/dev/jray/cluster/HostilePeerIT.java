package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.cluster.StrangerWire.Outcome;
import dev.jray.cluster.drivers.SteadyDriver;
import dev.jray.cluster.drivers.StrangerProbe;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A head node under attack from a process without the cluster token (issue #14's hostile peer),
 * while a driver with the token keeps running tasks and calling an actor ({@link SteadyDriver}).
 * On each of the head's ports (link, object transfer, event bus, Hazelcast; learned by the driver
 * from the GCS and Vert.x's node info) the stranger sends garbage, a claimed HELLO, a 2 GB length
 * prefix, a TaskSpec calling System.exit, a payload naming an unregistered class, a KillActor for
 * the driver's actor, the id of a real object, a placement-group removal, and joins Hazelcast as
 * member and client under the old cluster name ({@link StrangerProbe}); then 200 idle connections
 * each to the link, transfer and event-bus ports. Each is refused, the head stays up with its threads and
 * memory bounded, and the driver's work goes on throughout with nothing it owns lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300)
class HostilePeerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** A driver joins, ships its code and makes its actor, object and group: slow on a loaded host. */
  private static final Duration DRIVER_START = Duration.ofSeconds(180);
  /** How long a probe waits for the node to close a connection (its handshake deadline is 5 s). */
  private static final int CLOSE_WAIT_MS = 8_000;
  /** Before authentication no handshake message is larger: the most a stranger may get back. */
  private static final int MOST_BACK_BEFORE_PROOF = 4 + 256;
  private static final long STREAMED_BYTES = 64L << 20;
  private static final int IDLE_CONNECTIONS = 200;
  private static final int MORE_THREADS_ALLOWED = 30;
  private static final long MORE_RSS_ALLOWED_KB = 256L << 10;
  private static final Pattern PROGRESS = Pattern.compile("PROGRESS rounds=(\\d+)");

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("HostilePeerIT",
      c -> c.startHead(null, "-Xmx768m"));

  private static ChildJvm driver;
  private static Path stopFile;
  private static Map<String, String> driverSays;
  /** The head's node JVM, found once it is up. */
  private static long nodePid;
  private static long threadsBefore;
  private static long rssKbBefore;

  @BeforeAll
  static void startTheDriverAndMeasureTheHead() throws IOException {
    LocalCluster c = CLUSTER.get();
    stopFile = c.logDir().resolve("stop-steady-driver");
    // a member: it reads the head's ports from its own Hazelcast instance
    driver = c.startDriver(List.of("-Djray.driver.attach=false"), SteadyDriver.class,
        stopFile.toString());
    driver.awaitLine("RESULT group-id=", DRIVER_START);
    driverSays = new JvmResult("SteadyDriver", 0, driver.output(), null).results();
    awaitProgress(); // warmed up: what the head holds from now on is its steady state
    awaitProgress();
    nodePid = c.head().nodeJvmPid();
    threadsBefore = procStatus("Threads");
    rssKbBefore = procStatus("VmRSS");
    c.log("the head's node JVM (pid " + nodePid + ") before the stranger: " + threadsBefore
        + " threads, " + rssKbBefore + " kB resident; the driver says " + driverSays);
  }

  @Test
  @Order(1)
  void theLinkPortRefusesEverythingBeforeTheProof() throws IOException {
    int port = port("link-port");
    UniqueId claimed = UniqueId.fromHexString(driverSays.get("head-node"));
    byte[] exit = StrangerWire.linkFrame(StrangerWire.systemExitTask());
    byte[] kill = StrangerWire.linkFrame(StrangerWire.killActor(actor()));
    byte[] unregistered = StrangerWire.linkFrame(StrangerWire.unregisteredClass());
    byte[] huge = StrangerWire.bigEndianInt(Integer.MAX_VALUE);

    assertRefused("garbage", StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.garbage(64)));
    assertRefused("a TaskSpec calling System.exit, no handshake",
        StrangerWire.send(port, CLOSE_WAIT_MS, exit));
    assertRefused("a HELLO claiming the head's node id, then frames instead of the proof",
        StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.hello(claimed), exit, kill));
    for (byte[] frame : List.of(exit, kill, unregistered, huge)) {
      assertRefused("a HELLO, a made-up proof, then a frame of " + frame.length + " bytes",
          StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.hello(claimed),
              StrangerWire.madeUpProof(), frame));
    }
    assertRefused("a 2 GB length prefix and 64 MB", StrangerWire.stream(port, huge, STREAMED_BYTES));
    assertRefused("a HELLO, then a 2 GB length prefix", StrangerWire.stream(port,
        concat(StrangerWire.hello(claimed), huge), STREAMED_BYTES));
    assertTheHeadWorks();
  }

  @Test
  @Order(2)
  void theTransferPortServesNoObjectToAStranger() throws IOException {
    int port = port("transfer-port");
    byte[] objectId = ObjectId.fromHexString(driverSays.get("object-id")).getBytes();
    UniqueId claimed = UniqueId.fromHexString(driverSays.get("head-node"));

    assertRefused("garbage", StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.garbage(64)));
    assertRefused("a real object's 28-byte id",
        StrangerWire.send(port, CLOSE_WAIT_MS, objectId));
    assertRefused("a HELLO, then the object's id",
        StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.hello(claimed), objectId));
    assertRefused("a HELLO, a made-up proof, then the object's id", StrangerWire.send(port,
        CLOSE_WAIT_MS, StrangerWire.hello(claimed), StrangerWire.madeUpProof(), objectId));
    assertRefused("a 2 GB length prefix and 64 MB", StrangerWire.stream(port,
        StrangerWire.bigEndianInt(Integer.MAX_VALUE), STREAMED_BYTES));
    assertTheHeadWorks();
  }

  @Test
  @Order(3)
  void theEventBusDropsAStrangersMessagesBeforeAnyHandler() throws IOException {
    LocalCluster c = CLUSTER.get();
    int port = port("bus-port");
    PlacementGroupId group = PlacementGroupId.fromHexString(driverSays.get("group-id"));

    Outcome unproven = StrangerWire.send(port, 2_000,
        StrangerWire.removeGroupMessage(group, null),
        StrangerWire.removeGroupMessage(group, System.currentTimeMillis() + ".bm90LWEtcHJvb2Y"));
    assertEquals(0, unproven.bytesBack(), "the node answered a stranger: " + unproven);
    Await.until(Time.SYSTEM, TIMEOUT, () -> ChildJvm.read(c.head().log())
        .contains("event-bus message(s) without a valid proof of the cluster token, the latest"
            + " to 'jray.placement'"));
    assertTrue(ChildJvm.read(c.head().log()).contains("without a valid proof"),
        "the head did not log the refusal:\n" + ChildJvm.read(c.head().log()));

    byte[] negative = new byte[64];
    Arrays.fill(negative, (byte) 0xab);
    assertRefused("a negative length", StrangerWire.send(port, CLOSE_WAIT_MS, negative));
    assertRefused("a 2 GB length prefix and 64 MB", StrangerWire.stream(port,
        StrangerWire.bigEndianInt(Integer.MAX_VALUE), STREAMED_BYTES));
    assertTheHeadWorks();
  }

  @Test
  @Order(4)
  void hazelcastKeepsOutMembersAndClientsWithoutTheToken() throws IOException {
    LocalCluster c = CLUSTER.get();
    int port = port("hazelcast-port");
    ChildJvm probe = c.startDriver(List.of(), StrangerProbe.class,
        "127.0.0.1:" + port);

    byte[] clientFrameOf2Gb = {'C', 'P', '2', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0, 0};
    assertRefused("garbage", StrangerWire.send(port, CLOSE_WAIT_MS, StrangerWire.garbage(64)));
    assertRefused("a client frame of 2 GB and 64 MB",
        StrangerWire.stream(port, clientFrameOf2Gb, STREAMED_BYTES));

    JvmResult r = probe.await(Duration.ofSeconds(120));
    assertEquals("members=1 gcs-nodes=0", r.result("member"), r.describe());
    assertTrue(r.result("client").startsWith("refused"), r.describe());
    assertTrue(r.result("bus").startsWith("refused: ")
        && r.result("bus").contains("no member there has this cluster token"), r.describe());
    assertTheHeadWorks();
  }

  @Test
  @Order(5)
  void idleConnectionsCostNoThreadsAndAreClosed() throws IOException {
    List<Socket> idle = new ArrayList<>();
    try {
      for (String port : List.of("link-port", "transfer-port", "bus-port")) {
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", port(port)), 5_000);
          s.setSoTimeout(1);
          idle.add(s);
        }
      }
      long threads = procStatus("Threads");
      assertTrue(threads <= threadsBefore + MORE_THREADS_ALLOWED, "the head has " + threads
          + " threads with " + idle.size() + " idle connections, " + threadsBefore + " before");
      awaitProgress();
      boolean allClosed = Await.until(Time.SYSTEM, Duration.ofSeconds(20),
          () -> idle.stream().allMatch(HostilePeerIT::closedByPeer));
      assertTrue(allClosed, idle.stream().filter(s -> !closedByPeer(s)).count() + " of "
          + idle.size() + " idle connections still open 20 s on");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    assertTheHeadWorks();
  }

  @Test
  @Order(6)
  void theHeadStayedBoundedAndTheDriverLostNothing() throws IOException {
    LocalCluster c = CLUSTER.get();
    long threads = procStatus("Threads");
    long rssKb = procStatus("VmRSS");
    c.log("the head after the stranger: " + threads + " threads, " + rssKb + " kB resident");
    assertTrue(threads <= threadsBefore + MORE_THREADS_ALLOWED,
        "threads " + threadsBefore + " -> " + threads);
    assertTrue(rssKb <= rssKbBefore + MORE_RSS_ALLOWED_KB,
        "resident memory " + rssKbBefore + " -> " + rssKb + " kB");

    Files.writeString(stopFile, "stop");
    JvmResult r = driver.await(TIMEOUT);
    assertTrue(r.ok(), r.describe());
    long rounds = Long.parseLong(r.result("rounds"));
    assertTrue(rounds > 0, r.describe());
    assertEquals(rounds + 1, Long.parseLong(r.result("count")), "the actor lost calls or state");
    assertEquals("CREATED", r.result("group-state"), r.describe());
    assertEquals("true", r.result("object-intact"), r.describe());
    assertTrue(nodeAlive(), "the head died");
  }

  // ---------------------------------------------------------------- helpers

  private static int port(String name) {
    return Integer.parseInt(driverSays.get(name));
  }

  private static ActorId actor() {
    return ActorId.fromHexString(driverSays.get("actor-id"));
  }

  private static void assertRefused(String what, Outcome outcome) {
    assertTrue(outcome.closed(), what + ": the head kept the connection open (" + outcome + ")");
    assertTrue(outcome.bytesBack() <= MOST_BACK_BEFORE_PROOF,
        what + ": the head sent " + outcome.bytesBack() + " bytes back");
    assertTrue(nodeAlive(), what + ": the head died");
  }

  /** The head is alive and the driver completed more rounds since this was called. */
  private static void assertTheHeadWorks() {
    assertTrue(nodeAlive(), "the head died");
    awaitProgress();
  }

  /** Waits until the driver reports rounds beyond those it had reported when called. */
  private static void awaitProgress() {
    long before = rounds();
    boolean progressed = Await.until(Time.SYSTEM, TIMEOUT, () -> rounds() > before + 2);
    assertTrue(progressed, "the driver completed no round for " + TIMEOUT.toSeconds()
        + " s after " + before + ":\n" + ChildJvm.tail(driver.output(), 40));
  }

  private static long rounds() {
    Matcher m = PROGRESS.matcher(driver.output());
    long last = 0;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    if (!driver.process().isAlive()) {
      throw new AssertionError("the driver exited:\n" + ChildJvm.tail(driver.output(), 80));
    }
    return last;
  }

  private static boolean nodeAlive() {
    return ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A field of the head node JVM's /proc/<pid>/status, as a number (VmRSS in kB). */
  private static long procStatus(String field) throws IOException {
    return CLUSTER.get().head().procStatus(field);
  }

  /** Whether the node closed this connection (a read sees the end, not a timeout). */
  private static boolean closedByPeer(Socket s) {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
