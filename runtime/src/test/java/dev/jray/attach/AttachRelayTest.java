package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachTestNodes.Process;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The host's {@link AttachRelay}: refusals, bounds, gone processes, and a host that is silent. */
class AttachRelayTest {
  private static final long WAIT_S = AttachTestNodes.TIMEOUT.toSeconds();

  private AttachTestNodes nodes;

  @AfterEach
  void stop() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
  }

  /** A value no GCS table holds. */
  record Foreign(String payload) implements Serializable {}

  @Test
  void aHostThatDoesNotAnswerTimesTheCallOutOnTheInjectedClock() throws Exception {
    nodes = new AttachTestNodes();
    UniqueId silent = IdFactory.newUniqueId();
    BlockingQueue<Object> unanswered = new LinkedBlockingQueue<>();
    nodes.links(silent, (from, m, reply) -> unanswered.add(m)); // never replies
    ManualTime time = new ManualTime();
    Process p = nodes.process(silent, Duration.ofSeconds(30), time);
    assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), () -> {
      assertTimedOut("GCS actors.get of ", () -> p.gcs().actors().get(
          IdFactory.newActorId(JobId.fromInt(1))));
      assertTimedOut("GCS nextJobId", () -> p.gcs().nextJobId());
      assertTimedOut("GCS kv.listen", () -> p.gcs().kv().listen((k, v) -> {}));
      assertTimedOut("membership liveNodes", () -> p.membership().liveNodes());
    });
    assertEquals(0, p.gcs().subscriptionCount(), "a listen that timed out holds nothing");
    assertTrue(time.nanoseconds() >= Duration.ofSeconds(4 * 30).toNanos(),
        "each call waited its 30 s on the manual clock: " + time);
    assertTrue(unanswered.poll(WAIT_S, TimeUnit.SECONDS) instanceof AttachMessages.GcsGet,
        "the request did reach the silent host");
  }

  @Test
  void aShortTimeoutOnTheSystemClockEndsTheCallToo() throws Exception {
    nodes = new AttachTestNodes();
    UniqueId silent = IdFactory.newUniqueId();
    nodes.links(silent, (from, m, reply) -> {});
    Process p = nodes.process(silent, Duration.ofMillis(200), Time.SYSTEM);
    assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), () -> assertTimedOut(
        "GCS kv.snapshot", () -> p.gcs().kv().snapshot()));
  }

  private static void assertTimedOut(String what, Executable call) {
    HostCallException e = assertThrows(HostCallException.class, call);
    assertTrue(e.timedOut(), e.getMessage());
    assertTrue(e.getMessage().startsWith(what) && e.getMessage().contains("timed out after"),
        e.getMessage());
  }

  @Test
  void aValueOfAClassOutsideTheAllowListIsRefusedEitherWay() throws Exception {
    nodes = new AttachTestNodes();
    Process p = nodes.process();
    @SuppressWarnings({"unchecked", "rawtypes"})
    GcsTable<String, Object> kv = (GcsTable) p.gcs().kv();
    HostCallException sent = assertThrows(HostCallException.class,
        () -> kv.put("k", new Foreign("x")));
    assertTrue(sent.getMessage().startsWith("GCS kv.put of k failed: "), sent.getMessage());
    assertTrue(sent.getMessage().contains("class " + Foreign.class.getName()
        + " is not one the GCS holds"), sent.getMessage());
    assertFalse(nodes.hostGcs.kv().containsKey("k"), "nothing stored");

    @SuppressWarnings({"unchecked", "rawtypes"})
    GcsTable<String, Object> hostKv = (GcsTable) nodes.hostGcs.kv();
    hostKv.put("foreign", new Foreign("y"));
    HostCallException read = assertThrows(HostCallException.class,
        () -> p.gcs().kv().get("foreign"));
    assertTrue(read.getMessage().contains("class " + Foreign.class.getName()
        + " is not one the GCS holds"), read.getMessage());
  }

  @Test
  void aKeyOrValueOfAnotherTablesTypeIsRefused() throws Exception {
    nodes = new AttachTestNodes();
    Process p = nodes.process();
    NodeRecord node = GcsRecords.node(IdFactory.newUniqueId());
    @SuppressWarnings({"unchecked", "rawtypes"})
    GcsTable<String, Object> names = (GcsTable) p.gcs().actorNames();
    HostCallException e = assertThrows(HostCallException.class, () -> names.put("n", node));
    assertTrue(e.getMessage().contains("is a " + NodeRecord.class.getName() + ", not a "
        + dev.jray.api.id.ActorId.class.getName()), e.getMessage());
    assertTrue(nodes.hostGcs.actorNames().keys().isEmpty());
  }

  @Test
  void processGoneDropsItsSubscriptionsAndRefusesItsLaterCalls() throws Exception {
    nodes = new AttachTestNodes();
    Process gone = nodes.process();
    Process stays = nodes.process();
    BlockingQueue<ActorRecord> heardByGone = new LinkedBlockingQueue<>();
    BlockingQueue<ActorRecord> heardByStays = new LinkedBlockingQueue<>();
    gone.gcs().actors().listen((k, v) -> heardByGone.add(v));
    gone.gcs().nodes().listen((k, v) -> {});
    stays.gcs().actors().listen((k, v) -> heardByStays.add(v));
    assertEquals(2, nodes.relay.subscriptionCount(gone.id()));
    assertEquals(2, nodes.relay.subscriberCount(GcsTableName.ACTORS));

    nodes.relay.processGone(gone.id());
    nodes.relay.processGone(gone.id()); // idempotent
    assertEquals(0, nodes.relay.subscriptionCount(gone.id()));
    assertEquals(1, nodes.relay.subscriberCount(GcsTableName.ACTORS));
    assertEquals(0, nodes.relay.subscriberCount(GcsTableName.NODES));
    ActorRecord dead = GcsRecords.deadActor(JobId.fromInt(4));
    nodes.hostGcs.actors().put(dead.actorId(), dead);
    assertEquals(dead.actorId(), heardByStays.poll(WAIT_S, TimeUnit.SECONDS).actorId());
    HostCallException refused = assertThrows(HostCallException.class,
        () -> gone.gcs().jobs().get(JobId.fromInt(1)));
    assertTrue(refused.getMessage().contains("the process is gone"), refused.getMessage());
    assertTrue(heardByGone.isEmpty(), "pushed nothing to the gone process: " + heardByGone);
  }

  @Test
  void subscriptionsPerProcessAreBounded() throws Exception {
    nodes = new AttachTestNodes(3);
    Process p = nodes.process();
    AutoCloseable first = p.gcs().kv().listen((k, v) -> {});
    p.gcs().kv().listen((k, v) -> {});
    p.gcs().jobs().listen((k, v) -> {});
    HostCallException e = assertThrows(HostCallException.class,
        () -> p.gcs().nodes().listen((k, v) -> {}));
    assertTrue(e.getMessage().contains("holds 3 subscriptions already"), e.getMessage());
    assertEquals(3, p.gcs().subscriptionCount(), "the refused one is not kept");
    first.close();
    Await.until("the host drops the closed subscription", AttachTestNodes.TIMEOUT,
        () -> nodes.relay.subscriptionCount(p.id()) == 2);
    p.gcs().nodes().listen((k, v) -> {});
    assertEquals(3, nodes.relay.subscriptionCount(p.id()));
  }

  @Test
  void callsInFlightPerProcessAreBounded() throws Exception {
    ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    nodes = new AttachTestNodes(AttachRelay.MAX_SUBSCRIPTIONS_PER_PROCESS, held::add);
    Process p = nodes.process();
    HostChannel channel = new AttachTestNodes.LinkHostChannel(p.links(), nodes.hostId);
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < AttachRelay.MAX_CALLS_IN_FLIGHT; i++) {
      calls.add(channel.request(new AttachMessages.GcsNextJobId()));
    }
    CompletableFuture<Object> over = channel.request(new AttachMessages.GcsNextJobId());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> over.get(WAIT_S, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains(AttachRelay.MAX_CALLS_IN_FLIGHT
        + " calls in flight already"), e.getCause().getMessage());
    assertEquals(AttachRelay.MAX_CALLS_IN_FLIGHT, held.size());
    for (Runnable r; (r = held.poll()) != null; ) {
      r.run();
    }
    for (CompletableFuture<Object> c : calls) {
      assertTrue(c.get(WAIT_S, TimeUnit.SECONDS) instanceof AttachMessages.GcsJobId);
    }
    held.clear();
    assertTrue(channel.request(new AttachMessages.GcsNextJobId()) != null);
    Await.until("the next call is taken again", AttachTestNodes.TIMEOUT, () -> held.size() == 1);
  }

  @Test
  void aSubscriptionIdTakenAlreadyIsRefused() throws Exception {
    nodes = new AttachTestNodes();
    Process p = nodes.process();
    AttachTestNodes.LinkHostChannel channel =
        new AttachTestNodes.LinkHostChannel(p.links(), nodes.hostId);
    HostCalls calls = new HostCalls(channel, AttachTestNodes.TIMEOUT, Time.SYSTEM);
    calls.call("first", new AttachMessages.GcsSubscribe(42, GcsTableName.KV),
        AttachMessages.Ack.class);
    HostCallException e = assertThrows(HostCallException.class, () -> calls.call("again",
        new AttachMessages.GcsSubscribe(42, GcsTableName.JOBS), AttachMessages.Ack.class));
    assertTrue(e.getMessage().contains("subscription 42 exists already"), e.getMessage());
    assertEquals(1, nodes.relay.subscriptionCount(p.id()));
  }

  @Test
  void messagesNotTheRelaysAreLeftToTheInboxAndAClosedRelayRefusesCalls() throws Exception {
    nodes = new AttachTestNodes();
    assertFalse(nodes.relay.onMessage(IdFactory.newUniqueId(), "a task result", null));
    assertFalse(nodes.relay.onMessage(IdFactory.newUniqueId(), new AttachMessages.NodeLeft(
        IdFactory.newUniqueId()), null), "a push is the process's, not the host's");
    Process p = nodes.process();
    p.gcs().kv().put("k", "v".getBytes(StandardCharsets.UTF_8));
    nodes.relay.close();
    HostCallException e = assertThrows(HostCallException.class, () -> p.gcs().kv().get("k"));
    assertTrue(e.getMessage().contains("its relay is closed"), e.getMessage());
    assertTrue(nodes.hostMembership.nodeLeft.isEmpty() && nodes.hostMembership.membersChanged
        .isEmpty(), "the relay stopped listening to the membership");
    assertTrue(nodes.notTheRelays.isEmpty(), String.valueOf(nodes.notTheRelays));
  }

  @Test
  void pushesFromANodeOtherThanTheHostAreIgnored() throws Exception {
    UniqueId host = IdFactory.newUniqueId();
    try (HostPushes pushes = new HostPushes(host)) {
      BlockingQueue<UniqueId> left = new LinkedBlockingQueue<>();
      pushes.handle(AttachMessages.NodeLeft.class, m -> left.add(m.node()));
      UniqueId a = IdFactory.newUniqueId();
      UniqueId b = IdFactory.newUniqueId();
      assertTrue(pushes.onMessage(IdFactory.newUniqueId(), new AttachMessages.NodeLeft(a)));
      assertTrue(pushes.onMessage(host, new AttachMessages.NodeLeft(b)));
      assertFalse(pushes.onMessage(host, "a task"), "not a push");
      assertEquals(b, left.poll(WAIT_S, TimeUnit.SECONDS), "only the host's push ran");
      assertThrows(IllegalStateException.class,
          () -> pushes.handle(AttachMessages.NodeLeft.class, m -> {}));
      assertEquals(List.of(), List.copyOf(left));
    }
  }
}
