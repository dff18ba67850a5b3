package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachTestNodes.Process;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.time.Await;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A process's {@link HostGcs} against its host's GCS, over real links through the relay. */
class HostGcsTest {
  private static final long WAIT_S = AttachTestNodes.TIMEOUT.toSeconds();

  private AttachTestNodes nodes;
  private final ExecutorService callers = Executors.newFixedThreadPool(4);

  @BeforeEach
  void start() throws Exception {
    nodes = new AttachTestNodes();
  }

  @AfterEach
  void stop() throws Exception {
    callers.shutdownNow();
    nodes.close();
  }

  @Test
  void everyTableOperationActsOnTheHostsGcs() throws Exception {
    Process p = nodes.process();
    JobId job = JobId.fromInt(7);
    UniqueId node = IdFactory.newUniqueId();
    exercise(p.gcs().nodes(), nodes.hostGcs.nodes(), node, GcsRecords.node(node),
        GcsRecords.node(node).dead());
    exercise(p.gcs().jobs(), nodes.hostGcs.jobs(), job, GcsRecords.job(job),
        GcsRecords.job(job).finished(99));
    ActorRecord dead = GcsRecords.deadActor(job);
    exercise(p.gcs().actors(), nodes.hostGcs.actors(), dead.actorId(), dead,
        dead.restarting(node));
    exercise(p.gcs().actorNames(), nodes.hostGcs.actorNames(), "ns\u0000counter",
        dead.actorId(), IdFactory.newActorId(job));
    var group = GcsRecords.group(job);
    exercise(p.gcs().placementGroups(), nodes.hostGcs.placementGroups(), group.id(), group,
        group.lostNode(group.bundleNodes().get(0)));
    exercise(p.gcs().placementGroupNames(), nodes.hostGcs.placementGroupNames(), "ns\u0000pg",
        group.id(), IdFactory.newPlacementGroupId(job));
    exercise(p.gcs().kv(), nodes.hostGcs.kv(), "load:1", new byte[] {1, 2}, new byte[] {3});
  }

  /** Every operation of {@code remote}, checked against the host's own {@code local} table. */
  private static <K, V> void exercise(GcsTable<K, V> remote, GcsTable<K, V> local, K key, V first,
      V second) {
    String table = key.getClass().getSimpleName();
    assertNull(remote.get(key), table);
    assertFalse(remote.containsKey(key), table);
    remote.put(key, first);
    assertSame(first, local.get(key), table + ": put reached the host");
    assertSame(first, remote.get(key), table + ": get");
    assertTrue(remote.containsKey(key), table);
    assertSame(first, remote.putIfAbsent(key, second), table + ": putIfAbsent of a present key");
    assertSame(first, local.get(key), table + ": left as it was");
    assertSame(second, remote.update(key, current -> {
      assertSame(first, current, table + ": update reads the value");
      return second;
    }), table + ": update");
    assertSame(second, local.get(key), table + ": updated at the host");
    assertEquals(Set.of(key), remote.keys(), table);
    Map<K, V> snapshot = remote.snapshot();
    assertEquals(Set.of(key), snapshot.keySet(), table);
    assertSame(second, snapshot.get(key), table + ": snapshot");
    assertSame(second, remote.remove(key), table + ": remove");
    assertNull(local.get(key), table + ": removed at the host");
    assertNull(remote.remove(key), table + ": remove of an absent key");
    assertNull(remote.putIfAbsent(key, first), table + ": putIfAbsent of an absent key");
    assertSame(first, local.get(key), table);
    assertNull(remote.update(key, current -> null), table + ": update to null");
    assertFalse(local.containsKey(key), table + ": update to null removes");
    AtomicBoolean ran = new AtomicBoolean();
    assertNull(remote.update(key, current -> {
      ran.set(true);
      return current;
    }), table + ": update of an absent key");
    assertFalse(ran.get(), table + ": the operator never runs on an absent key");
    assertTrue(remote.snapshot().isEmpty(), table);
    assertTrue(remote.keys().isEmpty(), table);
  }

  private static void assertSame(Object expected, Object actual, String what) {
    assertTrue(GcsValueCodec.sameValue(expected, actual), what + ": expected " + expected
        + " but was " + actual);
  }

  @Test
  void nextJobIdIsUniqueAcrossProcessesAndThreads() throws Exception {
    Process a = nodes.process();
    Process b = nodes.process();
    List<Future<List<JobId>>> futures = new ArrayList<>();
    for (Process p : List.of(a, b, a, b)) {
      futures.add(callers.submit(() -> {
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          ids.add(p.gcs().nextJobId());
        }
        return ids;
      }));
    }
    Set<JobId> all = new HashSet<>();
    for (Future<List<JobId>> f : futures) {
      all.addAll(f.get(WAIT_S, TimeUnit.SECONDS));
    }
    assertEquals(200, all.size(), "every job id given once");
    assertEquals(JobId.fromInt(201), nodes.hostGcs.nextJobId(), "from the host's one counter");
  }

  @Test
  void updatesFromTwoProcessesAndTheHostUnderContentionLoseNone() throws Exception {
    Process a = nodes.process();
    Process b = nodes.process();
    nodes.hostGcs.kv().put("counter", count(0));
    UnaryOperator<byte[]> increment = bytes -> count(ByteBuffer.wrap(bytes).getInt() + 1);
    List<Callable<Void>> writers = new ArrayList<>();
    for (GcsTable<String, byte[]> kv : List.of(a.gcs().kv(), b.gcs().kv(), a.gcs().kv(),
        b.gcs().kv(), nodes.hostGcs.kv())) {
      writers.add(() -> {
        for (int i = 0; i < 60; i++) {
          kv.update("counter", increment);
        }
        return null;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    try {
      for (Future<Void> f : pool.invokeAll(writers)) {
        f.get(WAIT_S, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(300, ByteBuffer.wrap(nodes.hostGcs.kv().get("counter")).getInt(),
        "5 writers x 60 increments, none lost");
  }

  @Test
  void anUpdateOfARecordHoldingBytesComparesItByContent() throws Exception {
    Process p = nodes.process();
    ActorRecord dead = GcsRecords.deadActor(JobId.fromInt(3));
    nodes.hostGcs.actors().put(dead.actorId(), dead);
    // the host's record and the one read back hold equal but distinct death errors
    ActorRecord after = p.gcs().actors().update(dead.actorId(), r -> r.withState(ActorState.DEAD,
        null));
    assertNull(nodes.hostGcs.actors().get(dead.actorId()).nodeId());
    assertNull(after.nodeId());
  }

  private static byte[] count(int n) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(n).array();
  }

  /** A change a listener saw, and on which thread. */
  private record Seen(String key, String value, String thread) {}

  @Test
  void listenersGetEveryChangeInTheHostsOrderOnTheListenerThreadUntilClosed() throws Exception {
    Process p = nodes.process();
    BlockingQueue<Seen> first = new LinkedBlockingQueue<>();
    BlockingQueue<Seen> second = new LinkedBlockingQueue<>();
    AutoCloseable one = p.gcs().kv().listen((k, v) -> first.add(seen(k, v)));
    AutoCloseable two = p.gcs().kv().listen((k, v) -> {
      p.gcs().kv().containsKey(k); // a listener may block on the GCS
      second.add(seen(k, v));
    });
    assertEquals(2, nodes.relay.subscriptionCount(p.id()));
    List<Seen> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String key = "k" + (i % 3);
      if (i % 10 == 9) {
        nodes.hostGcs.kv().remove(key);
        expected.add(new Seen(key, null, null));
      } else {
        nodes.hostGcs.kv().put(key, utf8("v" + i));
        expected.add(new Seen(key, "v" + i, null));
      }
    }
    assertEquals(expected, take(first, expected.size()), "one listener, in order");
    assertEquals(expected, take(second, expected.size()), "the other, in order");
    one.close();
    one.close(); // idempotent
    Await.until("the host drops the closed subscription", AttachTestNodes.TIMEOUT,
        () -> nodes.relay.subscriptionCount(p.id()) == 1);
    nodes.hostGcs.kv().put("after", utf8("close"));
    assertEquals(List.of(new Seen("after", "close", null)), take(second, 1));
    assertTrue(first.isEmpty(), "the closed listener heard nothing more: " + first);
    two.close();
  }

  private static List<Seen> take(BlockingQueue<Seen> queue, int n) throws InterruptedException {
    List<Seen> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Seen s = queue.poll(WAIT_S, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("only " + got.size() + " of " + n + " changes came: " + got);
      }
      assertTrue(s.thread().startsWith("jray-host-listener"), "on the listener thread: " + s);
      got.add(new Seen(s.key(), s.value(), null));
    }
    return got;
  }

  private static Seen seen(String key, byte[] value) {
    return new Seen(key, value == null ? null : new String(value, StandardCharsets.UTF_8),
        Thread.currentThread().getName());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aChangeAnotherProcessMakesReachesTheListener() throws Exception {
    Process a = nodes.process();
    Process b = nodes.process();
    BlockingQueue<ActorRecord> changes = new LinkedBlockingQueue<>();
    try (AutoCloseable l = a.gcs().actors().listen((k, v) -> changes.add(v))) {
      ActorRecord dead = GcsRecords.deadActor(JobId.fromInt(1));
      b.gcs().actors().put(dead.actorId(), dead);
      assertSame(dead, changes.poll(WAIT_S, TimeUnit.SECONDS), "b's put, at a's listener");
    }
  }

  @Test
  void closeEndsEverySubscriptionAndRefusesNewOnes() throws Exception {
    Process p = nodes.process();
    p.gcs().nodes().listen((k, v) -> {});
    p.gcs().actors().listen((k, v) -> {});
    assertEquals(2, nodes.relay.subscriptionCount(p.id()));
    p.gcs().close();
    Await.until("the host drops the subscriptions", AttachTestNodes.TIMEOUT,
        () -> nodes.relay.subscriptionCount(p.id()) == 0
            && nodes.relay.subscriberCount(GcsTableName.NODES) == 0
            && nodes.relay.subscriberCount(GcsTableName.ACTORS) == 0);
    assertThrows(IllegalStateException.class, () -> p.gcs().jobs().listen((k, v) -> {}));
    NodeRecord n = GcsRecords.node(IdFactory.newUniqueId());
    p.gcs().nodes().put(n.nodeId(), n); // the channel stays open
    assertEquals(n, nodes.hostGcs.nodes().get(n.nodeId()));
  }

  @Test
  void aValueBiggerThanALinkFrameGoesInPartsEitherWay() throws Exception {
    Process p = nodes.process();
    byte[] big = new byte[(9 << 20) + 123]; // a code package: more than an 8 MiB frame
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    p.gcs().kv().put("pkg:written-by-the-process", big);
    assertTrue(java.util.Arrays.equals(big, nodes.hostGcs.kv().get("pkg:written-by-the-process")),
        "the host holds the whole value the process put");
    nodes.hostGcs.kv().put("pkg:written-by-the-host", big);
    assertTrue(java.util.Arrays.equals(big, p.gcs().kv().get("pkg:written-by-the-host")),
        "the process reads the whole value the host holds");
    assertTrue(java.util.Arrays.equals(big,
        p.gcs().kv().putIfAbsent("pkg:written-by-the-host", new byte[StagedBytes.PART_BYTES + 1])),
        "putIfAbsent of a big value answers the big value present");
    assertNull(p.gcs().kv().putIfAbsent("pkg:new", big));
    assertEquals(big.length, nodes.hostGcs.kv().get("pkg:new").length);
  }
}
