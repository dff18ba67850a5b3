package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A process moving from its host to a second host of the same GCS (as a driver started by hand
 * does when its node dies): its table listens are made again at the new host, which pushes the
 * changes from then on, and the entries present are delivered as changes (standing for those made
 * while it had no host); its membership tells it the nodes the new host does not count live.
 */
class HostMoveTest {
  private static final long WAIT_S = AttachTestNodes.TIMEOUT.toSeconds();

  private AttachTestNodes nodes;
  private final FakeMembership secondMembership = new FakeMembership();
  private AttachRelay secondRelay;
  private UniqueId second;

  @BeforeEach
  void start() throws Exception {
    nodes = new AttachTestNodes();
    second = IdFactory.newUniqueId();
    CompletableFuture<AttachRelay> made = new CompletableFuture<>();
    NodeLinks secondLinks = nodes.links(second, (from, m, reply) -> made.join().onMessage(from, m,
        reply));
    secondRelay = new AttachRelay(nodes.hostGcs, secondMembership, nodes.executor, (p, m) -> {
      secondLinks.send(p, m);
      secondLinks.flushCurrentThread();
    });
    made.complete(secondRelay);
  }

  @AfterEach
  void stop() throws Exception {
    secondRelay.close();
    nodes.close();
  }

  @Test
  void aMovedProcessListensAtItsNewHostAndHearsWhatChangedMeanwhile() throws Exception {
    SwitchingChannel channel = new SwitchingChannel();
    HostPushes pushes = new HostPushes(nodes.hostId);
    UniqueId self = IdFactory.newUniqueId();
    NodeLinks links = nodes.links(self, (from, m, r) -> pushes.onMessage(from, m));
    channel.to = new AttachTestNodes.LinkHostChannel(links, nodes.hostId);
    HostGcs gcs = new HostGcs(channel, pushes, AttachTestNodes.TIMEOUT, Time.SYSTEM);
    HostMembership membership = new HostMembership(channel, pushes, "127.0.0.1:1",
        AttachTestNodes.TIMEOUT, Time.SYSTEM);
    BlockingQueue<ActorId> heard = new LinkedBlockingQueue<>();
    gcs.actors().listen((id, record) -> heard.add(record.actorId()));
    List<UniqueId> left = new java.util.concurrent.CopyOnWriteArrayList<>();
    membership.onNodeLeft(left::add);
    JobId job = JobId.fromInt(9);
    ActorRecord before = GcsRecords.deadActor(job);
    nodes.hostGcs.actors().put(before.actorId(), before);
    assertEquals(before.actorId(), heard.poll(WAIT_S, TimeUnit.SECONDS), "pushed by the first host");

    nodes.relay.close(); // the first host dies: it pushes nothing more
    ActorRecord meanwhile = GcsRecords.deadActor(job);
    nodes.hostGcs.actors().put(meanwhile.actorId(), meanwhile);
    channel.to = new AttachTestNodes.LinkHostChannel(links, second);
    pushes.moveTo(second);
    gcs.moved();
    UniqueId stillLive = IdFactory.newUniqueId();
    secondMembership.live = Set.of(second, stillLive);
    Set<UniqueId> told = membership.moved(List.of(nodes.hostId, stillLive));

    assertEquals(Set.of(nodes.hostId), told, "the old host is told left, a live node is not");
    Set<ActorId> delivered = new java.util.HashSet<>();
    for (int i = 0; i < 2; i++) {
      delivered.add(heard.poll(WAIT_S, TimeUnit.SECONDS));
    }
    assertEquals(Set.of(before.actorId(), meanwhile.actorId()), delivered,
        "the entries present, the one written while it had no host among them");
    ActorRecord after = GcsRecords.deadActor(job);
    nodes.hostGcs.actors().put(after.actorId(), after);
    assertEquals(after.actorId(), heard.poll(WAIT_S, TimeUnit.SECONDS), "pushed by the new host");
    assertTrue(waitFor(() -> left.equals(List.of(nodes.hostId))), "left: " + left);
    assertEquals(1, secondRelay.subscriptionCount(self), "its listen is held there");
    pushes.close();
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition) {
    return dev.jray.gcs.time.Await.until(Time.SYSTEM, AttachTestNodes.TIMEOUT, condition);
  }

  /** A channel to whichever host the test names. */
  private static final class SwitchingChannel implements HostChannel {
    volatile AttachTestNodes.LinkHostChannel to;

    @Override
    public CompletableFuture<Object> request(Object message) {
      return to.request(message);
    }

    @Override
    public void send(Object message) {
      to.send(message);
    }
  }
}
