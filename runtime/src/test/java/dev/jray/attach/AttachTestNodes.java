package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.InMemoryGcs;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.time.Time;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A host node and its attached processes in one JVM, each with real {@link NodeLinks} on
 * 127.0.0.1 registering exactly {@link AttachMessages#types()}: the host's inbox routes to an
 * {@link AttachRelay} over an {@link InMemoryGcs} and a {@link FakeMembership}; each process has a
 * {@link HostGcs} and a {@link HostMembership} over a {@link HostChannel} on its links.
 */
final class AttachTestNodes implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ClusterToken TOKEN = ClusterToken.generate();

  /** One attached process: its links, pushes, GCS and membership. */
  record Process(UniqueId id, NodeLinks links, HostPushes pushes, HostGcs gcs,
      HostMembership membership) {}

  /** A process's way to its host: requests and sends on its links. */
  record LinkHostChannel(NodeLinks links, UniqueId host) implements HostChannel {
    @Override
    public CompletableFuture<Object> request(Object message) {
      return links.request(host, message);
    }

    @Override
    public void send(Object message) {
      links.send(host, message);
      links.flushCurrentThread();
    }
  }

  final Map<UniqueId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  final MessageSerializer serializer = new MessageSerializer(AttachMessages.types());
  final InMemoryGcs hostGcs = new InMemoryGcs();
  final FakeMembership hostMembership = new FakeMembership();
  final ExecutorService executor = Executors.newFixedThreadPool(4);
  final UniqueId hostId = IdFactory.newUniqueId();
  final NodeLinks hostLinks;
  final AttachRelay relay;
  /** Messages the relay said were not its own. */
  final BlockingQueue<Object> notTheRelays = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> opened = new ArrayList<>();

  AttachTestNodes() throws IOException {
    this(AttachRelay.MAX_SUBSCRIPTIONS_PER_PROCESS);
  }

  AttachTestNodes(int maxSubscriptionsPerProcess) throws IOException {
    this(maxSubscriptionsPerProcess, null);
  }

  /** @param relayExecutor what runs the relay's calls and pushes; null: a pool of 4 threads */
  AttachTestNodes(int maxSubscriptionsPerProcess, Executor relayExecutor) throws IOException {
    // the inbox is made before the relay, which sends on its links
    CompletableFuture<AttachRelay> made = new CompletableFuture<>();
    hostLinks = links(hostId, (from, m, reply) -> {
      if (!made.join().onMessage(from, m, reply)) {
        notTheRelays.add(m);
      }
    });
    relay = new AttachRelay(hostGcs, hostMembership,
        relayExecutor == null ? executor : relayExecutor, (p, m) -> {
      hostLinks.send(p, m);
      hostLinks.flushCurrentThread();
    }, maxSubscriptionsPerProcess);
    made.complete(relay);
  }

  /** A process attached to the host, its calls waiting at most {@link #TIMEOUT}. */
  Process process() throws IOException {
    return process(hostId, TIMEOUT, Time.SYSTEM);
  }

  /** A process whose channel goes to {@code host}, its calls timed on {@code time}. */
  Process process(UniqueId host, Duration timeout, Time time) throws IOException {
    UniqueId id = IdFactory.newUniqueId();
    HostPushes pushes = new HostPushes(host);
    opened.add(pushes);
    NodeLinks links = links(id, (from, m, reply) -> pushes.onMessage(from, m));
    HostChannel channel = new LinkHostChannel(links, host);
    HostGcs gcs = new HostGcs(channel, pushes, timeout, time);
    HostMembership membership = new HostMembership(channel, pushes, "127.0.0.1:" + id.hashCode(),
        timeout, time);
    return new Process(id, links, pushes, gcs, membership);
  }

  /** Links of a node that listens on 127.0.0.1 and is known to the others. */
  NodeLinks links(UniqueId id, LinkInbox inbox) throws IOException {
    NodeLinks links = new NodeLinks(id, TOKEN, null, serializer, getClass().getClassLoader(),
        addresses::get, inbox, Time.SYSTEM);
    opened.add(links);
    addresses.put(id, new InetSocketAddress("127.0.0.1", links.listen("127.0.0.1")));
    return links;
  }

  @Override
  public void close() throws Exception {
    relay.close();
    for (AutoCloseable c : opened) {
      c.close();
    }
    executor.shutdownNow();
    executor.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
