package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachTestNodes.Process;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.ids.IdFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A process's {@link HostMembership}: the host's membership, pushed and queried over the link. */
class HostMembershipTest {
  private static final long WAIT_S = AttachTestNodes.TIMEOUT.toSeconds();

  private AttachTestNodes nodes;

  @BeforeEach
  void start() throws Exception {
    nodes = new AttachTestNodes();
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  /** An event a listener saw, and on which thread. */
  private record Event(String what, String thread) {}

  @Test
  void pushesReachTheListenersInOrderWithGcsChangesOnOneListenerThread() throws Exception {
    Process p = nodes.process();
    nodes.relay.attached(p.id());
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    p.gcs().kv().listen((k, v) -> events.add(event("kv " + k)));
    p.membership().onNodeLeft(n -> events.add(event("left " + n)));
    p.membership().onMembersChanged(() -> events.add(event("changed")));
    UniqueId gone = IdFactory.newUniqueId();
    nodes.hostGcs.kv().put("a", "1".getBytes(StandardCharsets.UTF_8));
    nodes.hostMembership.fireNodeLeft(gone);
    nodes.hostMembership.fireMembersChanged();
    nodes.hostGcs.kv().put("b", "2".getBytes(StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String thread = null;
    for (int i = 0; i < 4; i++) {
      Event e = events.poll(WAIT_S, TimeUnit.SECONDS);
      assertTrue(e != null, "only " + seen + " came");
      seen.add(e.what());
      assertTrue(e.thread().startsWith("jray-host-listener"), e.toString());
      assertTrue(thread == null || thread.equals(e.thread()), "one thread: " + e);
      thread = e.thread();
    }
    assertEquals(List.of("kv a", "left " + gone, "changed", "kv b"), seen);
  }

  private static Event event(String what) {
    return new Event(what, Thread.currentThread().getName());
  }

  @Test
  void aProcessTheHostLearnsFromItsFirstMessageGetsPushesToo() throws Exception {
    Process p = nodes.process(); // never announced with attached()
    BlockingQueue<UniqueId> left = new LinkedBlockingQueue<>();
    p.membership().onNodeLeft(left::add);
    p.membership().liveNodes(); // its first message
    UniqueId gone = IdFactory.newUniqueId();
    nodes.hostMembership.fireNodeLeft(gone);
    assertEquals(gone, left.poll(WAIT_S, TimeUnit.SECONDS));
  }

  @Test
  void queriesAreAnsweredFromTheHostsMembership() throws Exception {
    Process p = nodes.process();
    UniqueId a = IdFactory.newUniqueId();
    UniqueId b = IdFactory.newUniqueId();
    nodes.hostMembership.live = Set.of(a, b, nodes.hostId);
    nodes.hostMembership.fullMembers = List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701");
    assertEquals(Set.of(a, b, nodes.hostId), p.membership().liveNodes());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"),
        p.membership().fullMemberAddresses(), "oldest first, as the host lists them");
    assertFalse(p.membership().isLeader(), "an attached process never leads");
    assertEquals("127.0.0.1:" + p.id().hashCode(), p.membership().localAddress());
    Membership.Registration split = p.membership().onSplitOff(() -> {
      throw new AssertionError("never fires");
    });
    split.cancel();
  }

  @Test
  void aCancelledListenerHearsNothingMore() throws Exception {
    Process p = nodes.process();
    nodes.relay.attached(p.id());
    BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
    BlockingQueue<String> kept = new LinkedBlockingQueue<>();
    Membership.Registration r = p.membership().onMembersChanged(() -> cancelled.add("changed"));
    p.membership().onMembersChanged(() -> kept.add("changed"));
    p.membership().onNodeLeft(n -> kept.add("left"));
    nodes.hostMembership.fireMembersChanged();
    assertEquals("changed", cancelled.poll(WAIT_S, TimeUnit.SECONDS));
    assertEquals("changed", kept.poll(WAIT_S, TimeUnit.SECONDS));
    r.cancel();
    r.cancel(); // idempotent
    nodes.hostMembership.fireMembersChanged();
    nodes.hostMembership.fireNodeLeft(IdFactory.newUniqueId());
    assertEquals("changed", kept.poll(WAIT_S, TimeUnit.SECONDS));
    assertEquals("left", kept.poll(WAIT_S, TimeUnit.SECONDS));
    assertNull(cancelled.poll(), "the one listener thread ran the kept ones after it would have");
  }
}
