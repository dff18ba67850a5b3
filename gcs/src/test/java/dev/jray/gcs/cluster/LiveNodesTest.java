package dev.jray.gcs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.table.InMemoryGcsTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live nodes and departures one member sees, without Hazelcast: member events scripted by
 * the test, the node table an {@link InMemoryGcs} (whose listeners run on the writer's thread,
 * so each write's consequences are heard before the write returns).
 */
class LiveNodesTest {
  private final InMemoryGcs gcs = new InMemoryGcs();
  private final LiveNodes nodes = new LiveNodes();
  private final List<UniqueId> left = new CopyOnWriteArrayList<>();
  private final AtomicInteger changes = new AtomicInteger();
  private final UniqueId head = IdFactory.newUniqueId();
  private final UniqueId host = IdFactory.newUniqueId();
  private AutoCloseable watching;

  @BeforeEach
  void watch() {
    nodes.membersAre(List.of(head, host));
    watching = nodes.watch(gcs.nodes());
    nodes.onNodeLeft(left::add);
    nodes.onMembersChanged(changes::incrementAndGet);
  }

  @AfterEach
  void stopWatching() throws Exception {
    watching.close();
  }

  @Test
  void anAttachedNodeWithALiveHostIsLiveAndTheMembersChange() {
    UniqueId process = attach(host);

    assertEquals(Set.of(head, host, process), nodes.liveNodes());
    assertEquals(1, changes.get(), "its coming is a change");
    assertEquals(List.of(), left);
    assertEquals(Set.of(head, host, process), nodes.liveNodes(Set.of(head, host)));
    assertEquals(Set.of(head), nodes.liveNodes(Set.of(head)),
        "an attached node whose host is not among the members now is not live");
  }

  @Test
  void aHostThatLeavesIsReportedFirstThenEachOfItsAttachedNodesOnce() {
    UniqueId first = attach(host);
    UniqueId second = attach(host);
    UniqueId elsewhere = attach(head);
    changes.set(0);

    nodes.memberLeft(host);

    assertEquals(List.of(host, first, second), left, "the host, then its nodes as they came");
    assertEquals(Set.of(head, elsewhere), nodes.liveNodes());
    assertEquals(1, changes.get(), "one change for the whole departure");

    // the leader then records their deaths, as it records the host's: nothing is heard twice
    gcs.nodes().update(host, NodeRecord::dead);
    gcs.nodes().update(first, NodeRecord::dead);
    gcs.nodes().update(second, NodeRecord::dead);
    assertFalse(AttachedNodes.recordGone(gcs, first), "dead already");
    assertEquals(List.of(host, first, second), left);
  }

  @Test
  void aMovableNodeWhoseHostLeavesIsNotLiveNorReportedUntilItMovesOrIsRecordedDead() {
    UniqueId mover = attachMovable(host);
    UniqueId other = attach(host);
    changes.set(0);

    nodes.memberLeft(host);

    assertEquals(List.of(host, other), left, "the movable node waits for a new host, unreported");
    assertEquals(Set.of(head), nodes.liveNodes(), "without a live host it is not live");

    gcs.nodes().update(mover, r -> r.movedTo(head));
    assertEquals(Set.of(head, mover), nodes.liveNodes(), "live again under its new host");
    assertEquals(List.of(host, other), left, "and never heard to leave");

    nodes.memberLeft(head);
    assertEquals(List.of(host, other, head), left);
    assertEquals(Set.of(), nodes.liveNodes());
    AttachedNodes.recordGone(gcs, mover); // the leader's grace ran out: it is recorded dead
    assertEquals(List.of(host, other, head, mover), left, "reported once its record is dead");
  }

  @Test
  void aMovableRecordSeenAfterItsHostLeftWaitsForItsNewHost() {
    nodes.memberLeft(host);
    left.clear();

    UniqueId mover = attachMovable(host); // written before this member heard the host leave

    assertEquals(List.of(), left, "not reported: it may be moving");
    assertEquals(Set.of(head), nodes.liveNodes());
    gcs.nodes().update(mover, r -> r.movedTo(head));
    assertEquals(Set.of(head, mover), nodes.liveNodes());
  }

  @Test
  void aMovableNodeThatMovedBeforeThisMemberHeardItsHostLeaveStaysLive() {
    UniqueId mover = attachMovable(host);

    gcs.nodes().update(mover, r -> r.movedTo(head));
    nodes.memberLeft(host);

    assertEquals(List.of(host), left);
    assertEquals(Set.of(head, mover), nodes.liveNodes());
  }

  @Test
  void anAttachedNodeMarkedDeadWhileItsHostLivesIsReportedOnce() {
    UniqueId process = attach(host);
    changes.set(0);

    assertTrue(AttachedNodes.recordGone(gcs, process));

    assertFalse(gcs.nodes().get(process).alive(), "the record stays, dead, as a member's does");
    assertEquals(List.of(process), left);
    assertEquals(Set.of(head, host), nodes.liveNodes());
    assertEquals(1, changes.get());

    assertFalse(AttachedNodes.recordGone(gcs, process), "idempotent");
    nodes.memberLeft(host);
    gcs.nodes().remove(process); // the leader prunes the dead
    assertEquals(List.of(process, host), left, "the node is not heard again with its host");
  }

  @Test
  void anAttachedNodeWhoseRecordIsRemovedWhileItsHostLivesIsReported() {
    UniqueId process = attach(host);

    gcs.nodes().remove(process);

    assertEquals(List.of(process), left);
    assertEquals(Set.of(head, host), nodes.liveNodes());
  }

  @Test
  void aRecordWrittenAfterItsHostLeftIsReportedAtOnceAndNeverLive() {
    nodes.memberLeft(host);
    left.clear();
    changes.set(0);

    UniqueId late = attach(host);

    assertEquals(List.of(late), left, "recorded alive, but its host is gone: it left");
    assertEquals(Set.of(head), nodes.liveNodes());
    AttachedNodes.recordGone(gcs, late); // the leader's reconciliation marks it dead
    gcs.nodes().put(late, record(late, host, true)); // a stale write of it alive
    assertEquals(List.of(late), left, "reported once");
    assertEquals(Set.of(head), nodes.liveNodes());
  }

  @Test
  void aRecordWhoseHostHasNotJoinedYetGoesLiveWhenItJoins() {
    UniqueId newHost = IdFactory.newUniqueId();
    UniqueId process = attach(newHost);
    assertEquals(Set.of(head, host), nodes.liveNodes(), "not live while its host is unknown");
    changes.set(0);

    nodes.memberJoined(newHost);

    assertEquals(Set.of(head, host, newHost, process), nodes.liveNodes());
    assertEquals(1, changes.get());
    nodes.memberLeft(newHost);
    assertEquals(List.of(newHost, process), left);
  }

  @Test
  void anAttachedNodeAwaitingItsHostThatIsMarkedDeadIsReportedAsItWasRecorded() {
    UniqueId unknownHost = IdFactory.newUniqueId(); // left before this member looked
    UniqueId process = attach(unknownHost);

    AttachedNodes.recordGone(gcs, process);

    assertEquals(List.of(process), left);
    nodes.memberJoined(unknownHost);
    assertEquals(Set.of(head, host, unknownHost), nodes.liveNodes(), "gone is gone");
  }

  @Test
  void aNodeNeverSeenAliveIsNeverReported() {
    UniqueId deadOnArrival = IdFactory.newUniqueId();
    gcs.nodes().put(deadOnArrival, record(deadOnArrival, host, false));
    gcs.nodes().put(deadOnArrival, record(deadOnArrival, host, true)); // stale: dead is final
    gcs.nodes().remove(deadOnArrival);
    gcs.nodes().remove(IdFactory.newUniqueId()); // never recorded at all
    nodes.memberLeft(host);

    assertEquals(List.of(host), left);
    assertEquals(Set.of(head), nodes.liveNodes());
  }

  @Test
  void membersComeAndGoByTheirEventsNotByTheirRecords() {
    UniqueId worker = IdFactory.newUniqueId();
    nodes.memberJoined(worker);
    gcs.nodes().put(worker, record(worker, null, true));
    assertEquals(Set.of(head, host, worker), nodes.liveNodes());

    gcs.nodes().update(worker, NodeRecord::dead);
    assertEquals(Set.of(head, host, worker), nodes.liveNodes(), "its member is still there");
    assertEquals(List.of(), left);

    changes.set(0);
    nodes.memberJoined(null); // a member jray did not configure
    nodes.memberLeft(null);
    assertEquals(2, changes.get(), "a change, though no node left");
    nodes.memberLeft(worker);
    assertEquals(List.of(worker), left);
    assertThrows(IllegalArgumentException.class, () -> AttachedNodes.recordGone(gcs, worker),
        "a member's record names no host: its host cannot record it gone");
  }

  @Test
  void everyListenerHearsEachDepartureInOrderAfterTheLiveNodesShowIt() {
    UniqueId a = attach(host);
    UniqueId b = attach(host);
    List<String> heard = new ArrayList<>();
    nodes.onNodeLeft(n -> heard.add("second " + n + " live=" + nodes.liveNodes().contains(n)));
    nodes.onMembersChanged(() -> heard.add("changed"));

    nodes.memberLeft(host);

    assertEquals(List.of("second " + host + " live=false", "second " + a + " live=false",
        "second " + b + " live=false", "changed"), heard);
    assertEquals(List.of(host, a, b), left, "the first listener heard the same order");
  }

  @Test
  void aCancelledListenerHearsNothingAndAFailingOneStopsNoOther() {
    UniqueId process = attach(host);
    List<UniqueId> cancelled = new ArrayList<>();
    nodes.onNodeLeft(cancelled::add).cancel();
    nodes.onNodeLeft(n -> {
      throw new IllegalStateException("a listener's bug");
    });
    List<UniqueId> after = new ArrayList<>();
    nodes.onNodeLeft(after::add);

    AttachedNodes.recordGone(gcs, process);

    assertEquals(List.of(), cancelled);
    assertEquals(List.of(process), after);
  }

  @Test
  void aWriteALeftListenerMakesIsAppliedAfterItReturns() {
    UniqueId first = attach(head);
    UniqueId second = attach(head);
    List<String> heard = new ArrayList<>();
    nodes.onNodeLeft(n -> {
      heard.add("begin " + n);
      if (n.equals(first)) {
        AttachedNodes.recordGone(gcs, second); // the InMemoryGcs tells the view at once
      }
      heard.add("end " + n);
    });

    AttachedNodes.recordGone(gcs, first);

    assertEquals(List.of("begin " + first, "end " + first, "begin " + second, "end " + second),
        heard);
  }

  @Test
  void theSnapshotAndStaleEventsAgreeWhicheverComesFirst() throws Exception {
    DelayedTable table = new DelayedTable();
    UniqueId aliveThroughout = IdFactory.newUniqueId();
    UniqueId deadBeforeTheSnapshot = IdFactory.newUniqueId();
    UniqueId goneBeforeTheSnapshot = IdFactory.newUniqueId();
    LiveNodes view = new LiveNodes();
    List<UniqueId> heard = new CopyOnWriteArrayList<>();
    view.onNodeLeft(heard::add);
    view.membersAre(List.of(host));
    try (AutoCloseable subscription = view.watch(table.writingDuring(() -> {
      // written after the view subscribed, before the snapshot; their events come after it
      table.put(aliveThroughout, record(aliveThroughout, host, true));
      table.put(deadBeforeTheSnapshot, record(deadBeforeTheSnapshot, host, true));
      table.put(deadBeforeTheSnapshot, record(deadBeforeTheSnapshot, host, false));
      table.put(goneBeforeTheSnapshot, record(goneBeforeTheSnapshot, host, true));
      table.remove(goneBeforeTheSnapshot);
    }))) {
      assertEquals(Set.of(host, aliveThroughout), view.liveNodes(), "from the snapshot");
      assertEquals(List.of(), heard);

      table.deliver();

      assertEquals(Set.of(host, aliveThroughout), view.liveNodes(),
          "stale events neither revive the dead nor drop the living");
      assertEquals(List.of(goneBeforeTheSnapshot), heard,
          "recorded alive and removed while the view listened: it left, once");
      table.put(aliveThroughout, record(aliveThroughout, host, false));
      table.deliver();
      assertEquals(List.of(goneBeforeTheSnapshot, aliveThroughout), heard);
    }
  }

  @Test
  void concurrentEventsReportEveryNodeExactlyOnce() throws Exception {
    int hosts = 4;
    int perHost = 200;
    List<UniqueId> hostIds = new ArrayList<>();
    Map<UniqueId, List<UniqueId>> processes = new HashMap<>();
    for (int h = 0; h < hosts; h++) {
      UniqueId id = IdFactory.newUniqueId();
      hostIds.add(id);
      nodes.memberJoined(id);
      List<UniqueId> mine = new ArrayList<>();
      for (int p = 0; p < perHost; p++) {
        mine.add(attach(id));
      }
      processes.put(id, mine);
    }
    left.clear();
    ExecutorService threads = Executors.newFixedThreadPool(hosts * 2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (UniqueId h : hostIds) {
        // one thread marks the host's processes dead while another reports the host leaving
        done.add(threads.submit(() -> {
          go.await();
          processes.get(h).forEach(p -> AttachedNodes.recordGone(gcs, p));
          return null;
        }));
        done.add(threads.submit(() -> {
          go.await();
          nodes.memberLeft(h);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertEquals(hosts + hosts * perHost, left.size(), "no node twice");
    assertEquals(hosts + hosts * perHost, Set.copyOf(left).size());
    assertEquals(Set.of(head, host), nodes.liveNodes());
  }

  private UniqueId attachMovable(UniqueId hostOf) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, record(id, hostOf, true).movedTo(hostOf));
    return id;
  }

  private UniqueId attach(UniqueId hostOf) {
    UniqueId id = IdFactory.newUniqueId();
    gcs.nodes().put(id, record(id, hostOf, true));
    return id;
  }

  private static NodeRecord record(UniqueId id, UniqueId host, boolean alive) {
    return new NodeRecord(id, host == null ? "worker" : "worker-process", "127.0.0.1:1", "h",
        alive, Map.of(), 0, 0, 1, host);
  }

  /**
   * A node table whose events wait until the test delivers them, and which can make writes
   * between a subscription and the snapshot that follows it, as a busy cluster does.
   */
  private static final class DelayedTable implements GcsTable<UniqueId, NodeRecord> {
    private final InMemoryGcsTable<UniqueId, NodeRecord> table = new InMemoryGcsTable<>();
    private final List<Runnable> pending = new ArrayList<>();
    private Runnable beforeSnapshot = () -> { };

    DelayedTable writingDuring(Runnable writes) {
      beforeSnapshot = writes;
      return this;
    }

    void deliver() {
      List<Runnable> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(Runnable::run);
    }

    @Override
    public AutoCloseable listen(TableListener<UniqueId, NodeRecord> listener) {
      return table.listen((k, v) -> pending.add(() -> listener.changed(k, v)));
    }

    @Override
    public Map<UniqueId, NodeRecord> snapshot() {
      beforeSnapshot.run();
      beforeSnapshot = () -> { };
      return table.snapshot();
    }

    @Override
    public NodeRecord get(UniqueId key) {
      return table.get(key);
    }

    @Override
    public boolean containsKey(UniqueId key) {
      return table.containsKey(key);
    }

    @Override
    public void put(UniqueId key, NodeRecord value) {
      table.put(key, value);
    }

    @Override
    public NodeRecord putIfAbsent(UniqueId key, NodeRecord value) {
      return table.putIfAbsent(key, value);
    }

    @Override
    public NodeRecord update(UniqueId key, UnaryOperator<NodeRecord> update) {
      return table.update(key, update);
    }

    @Override
    public NodeRecord remove(UniqueId key) {
      return table.remove(key);
    }

    @Override
    public Set<UniqueId> keys() {
      return table.keys();
    }
  }
}
