package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import dev.jray.placement.PlacementMessages;
import dev.jray.scheduler.SchedulerMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A host node and an attached process in one JVM: two Vert.x instances (the host's not clustered:
 * the relay only uses its bus), linked by real {@link NodeLinks} on 127.0.0.1; the host's link
 * inbox routes to a {@link BusRelay}, the process's to a {@link BusBridge} whose {@link
 * HostChannel} is its link to the host. Deadlines of both run on one {@link ManualTime}.
 */
final class LinkedProcess implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final long WAIT_S = 30;
  private static final ClusterToken TOKEN = ClusterToken.generate();
  private static final MessageSerializer LINK_MESSAGES = new MessageSerializer(BusMessages.types());

  final UniqueId hostId = IdFactory.newUniqueId();
  final UniqueId processId = IdFactory.newUniqueId();
  final ManualTime time = new ManualTime();
  final Vertx hostVertx = Vertx.vertx();
  final Vertx processVertx = Vertx.vertx();
  final NodeLinks hostLinks;
  final NodeLinks processLinks;
  final BusRelay relay;
  final BusBridge bridge;
  /** The process's link to its host, as the bridge uses it. */
  final HostChannel channel;
  /** Whether the host's inbox hands bridge messages to the relay; false: they are dropped. */
  private final boolean hostAnswers;
  private final Map<UniqueId, InetSocketAddress> addresses = new ConcurrentHashMap<>();

  LinkedProcess() throws IOException {
    this(true);
  }

  LinkedProcess(boolean hostAnswers) throws IOException {
    this.hostAnswers = hostAnswers;
    for (Vertx v : List.of(hostVertx, processVertx)) {
      List<Class<?>> types = new ArrayList<>(PlacementMessages.types());
      types.add(SchedulerMessages.ResourceReport.class);
      ForyMessageCodec.registerCodecs(v, types.toArray(new Class<?>[0]));
    }
    BusRelay[] relayRef = new BusRelay[1];
    BusBridge[] bridgeRef = new BusBridge[1];
    hostLinks = links(hostId, (from, m, reply) -> {
      if (this.hostAnswers && !relayRef[0].onMessage(from, m, reply)) {
        throw new IllegalStateException("not a bus message: " + m);
      }
    });
    processLinks = links(processId, (from, m, reply) -> {
      if (!bridgeRef[0].onMessage(m)) {
        throw new IllegalStateException("not a bus message: " + m);
      }
    });
    channel = new HostChannel() {
      @Override
      public CompletableFuture<Object> request(Object message) {
        return processLinks.request(hostId, message);
      }

      @Override
      public void send(Object message) {
        processLinks.send(hostId, message);
      }
    };
    relay = new BusRelay(hostVertx, hostLinks::send, BusBodies.workerProcess(), TIMEOUT, time);
    relayRef[0] = relay;
    bridge = new BusBridge(processVertx, channel, BusBodies.workerProcess(), TIMEOUT, time);
    bridgeRef[0] = bridge;
  }

  private NodeLinks links(UniqueId id, LinkInbox inbox) throws IOException {
    // the links' own clock is the system's: their flusher and back-off are not under test
    NodeLinks links = new NodeLinks(id, TOKEN, null, LINK_MESSAGES, getClass().getClassLoader(),
        addresses::get, inbox, Time.SYSTEM);
    addresses.put(id, new InetSocketAddress("127.0.0.1", links.listen("127.0.0.1")));
    return links;
  }

  /** The future's value, waiting at most {@link #WAIT_S}. */
  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }

  /** Moves the bridge's and relay's clock past their timeout. */
  void passTimeout() {
    time.advance(TIMEOUT.plusSeconds(1));
  }

  @Override
  public void close() throws Exception {
    bridge.close();
    relay.close();
    processLinks.close();
    hostLinks.close();
    processVertx.close().toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    hostVertx.close().toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }
}
