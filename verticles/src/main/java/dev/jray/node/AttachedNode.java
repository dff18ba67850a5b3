package dev.jray.node;

import dev.jray.api.Ray;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages;
import dev.jray.attach.BusBridge;
import dev.jray.attach.HostChannel;
import dev.jray.attach.HostGcs;
import dev.jray.attach.HostMembership;
import dev.jray.attach.HostPushes;
import dev.jray.attach.InboxChain;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.cluster.AttachedNodes;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.NodeWorkers;
import dev.jray.scheduler.SchedulerMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM attached to a cluster through one node, its host, as a Ray worker or driver hangs off its
 * raylet: no Hazelcast member and no clustered event bus, so it starts in a fraction of a member's
 * time. A non-clustered Vert.x runs its node (store, scheduler, worker), whose GCS ({@link
 * HostGcs}), membership ({@link HostMembership}) and cluster-wide event-bus conversations ({@link
 * BusBridge}) go over the link to its host; other nodes reach it directly over their links and its
 * store's transfer port, which its GCS record names. Worker processes ({@link WorkerProcessMain})
 * and the drivers of the jobs a node starts ({@link AttachTarget}) are attached nodes. It is gone
 * for the cluster when it closes, or when its host sees its process end or its link break.
 *
 * <p>Threading: immutable after {@link #start}, which blocks (not on an event loop); node deaths
 * come on the host pushes' thread, the host's loss on a link thread; neither blocks.
 */
public final class AttachedNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttachedNode.class);
  /** How long a GCS or bus request to the host may take before it fails. */
  static final Duration HOST_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final NodeVerticle node;
  private final HostGcs gcs;
  /** Its host's pushes: GCS changes and membership, on a thread of their own. */
  private final HostPushes pushes;
  private final BusBridge bridge;
  /** A driver's load, for status; null for a worker process. */
  private final NodeLoadRecorder load;
  /** Run once if the link to the host breaks (the host died); set by {@link #whenHostLost}. */
  private final AtomicReference<Runnable> hostLost;
  /** Where host requests go; moves a movable node to another member. */
  private final HostFailover failover;
  /** Stops this process, or cuts a driver off, if the cluster declared it dead while paused. */
  private final NodeFence fence;
  private final NodeLinks links;

  private AttachedNode(Vertx vertx, NodeVerticle node, HostGcs gcs, HostPushes pushes,
      BusBridge bridge, NodeLoadRecorder load, AtomicReference<Runnable> hostLost,
      HostFailover failover, NodeFence fence, NodeLinks links) {
    this.vertx = vertx;
    this.node = node;
    this.gcs = gcs;
    this.pushes = pushes;
    this.bridge = bridge;
    this.load = load;
    this.hostLost = hostLost;
    this.failover = failover;
    this.fence = fence;
    this.links = links;
  }

  /**
   * Builds the link's serializer on a thread of its own, for a {@link #start} soon after: in a cold
   * JVM it takes a few hundred ms, which this JVM's other work then overlaps. Never blocks.
   */
  public static void prepare() {
    onThreadOfItsOwn("jray-attach-prepare", () -> {
      try {
        WorkerPoolVerticle.attachedLinkSerializer().serialize(new AttachMessages.MembershipQuery());
      } catch (RuntimeException e) {
        LOG.debug("preparing the link's serializer: {}", e.toString()); // start says it again
      }
    });
  }

  /**
   * Attaches to {@code options.attachedTo()} at {@code hostLink} and starts this JVM's node;
   * blocks until it is registered. It is gone with its host, unless {@code options.movable()} (a
   * driver started by hand): then it moves to another member ({@link HostFailover}).
   *
   * @throws IllegalStateException naming the host if it cannot be reached or the node not started
   */
  public static AttachedNode start(NodeOptions options, InetSocketAddress hostLink, Time time) {
    boolean movable = options.movable();
    UniqueId self = options.nodeId();
    UniqueId firstHost = Objects.requireNonNull(options.attachedTo(), "options.attachedTo");
    AtomicReference<NodeLinks> links = new AtomicReference<>();
    HostFailover failover = new HostFailover(self, firstHost, hostLink, movable, time);
    HostChannel channel = failover.channel(links::get);
    HostPushes pushes = new HostPushes(firstHost);
    HostGcs gcs = new HostGcs(channel, pushes, HOST_REQUEST_TIMEOUT, time);
    HostMembership membership = new HostMembership(channel, pushes, options.host() + ":0",
        HOST_REQUEST_TIMEOUT, time);
    // set before the bridge subscribes anything: the host delivers nothing to it until then
    AtomicReference<BusBridge> bridging = new AtomicReference<>();
    AtomicReference<Runnable> hostLost = new AtomicReference<>(() -> {});
    InboxChain chain = new InboxChain(List.of(
        (from, message, reply) -> pushes.onMessage(from, message),
        (from, message, reply) -> from.equals(failover.host()) && bridging.get() != null
            && bridging.get().onMessage(message)),
        node -> {
          if (!node.equals(failover.host())) {
            return;
          }
          if (failover.movable()) {
            failover.lost(node);
          } else {
            hostLost.getAndSet(() -> {}).run();
          }
        });
    links.set(new NodeLinks(self, options.token(), options.tls(),
        WorkerPoolVerticle.attachedLinkSerializer(), CoreWorker.class.getClassLoader(),
        node -> {
          InetSocketAddress member = failover.memberLink(node);
          // the host's address is never read through the host: a lost host is unknown, at once
          return member != null || node.equals(failover.host()) ? member
              : WorkerPoolVerticle.linkAddress(gcs, time, node);
        },
        chain, time));
    // the first request waits for the link's serializer (a few hundred ms of class loading in a
    // cold JVM, begun by prepare) on a thread of its own, while this one starts Vert.x and the
    // node's parts; then its connection and handshake (a cold JVM's first HMAC) overlap them too
    links.get().open(firstHost);
    CompletableFuture<Object> connected = CompletableFuture.supplyAsync(
        () -> links.get().request(firstHost, new AttachMessages.MembershipQuery()),
        r -> onThreadOfItsOwn("jray-attach-connect", r)).thenCompose(f -> f);
    Vertx vertx = Vertx.vertx();
    try {
      BusBridge bridge = new BusBridge(vertx, channel, HOST_REQUEST_TIMEOUT);
      bridging.set(bridge);
      LocalParts.register(vertx, self, NodeLinks.class, links.get());
      LocalParts.register(vertx, self, InboxChain.class, chain);
      // the node's parts start while the link connects: only its record needs the host
      Future<NodeVerticle> deploying = NodeVerticle.deploy(vertx, options, gcs, time);
      ClusterNode.await(Future.fromCompletionStage(connected),
          "reach node " + firstHost + " at " + hostLink);
      NodeVerticle node = ClusterNode.await(deploying,
          "start the node attached to " + firstHost + " at " + hostLink);
      // after the node: its parts registered the bodies' codecs and their consumers
      ClusterNode.await(bridge.bridgeWorkerProcess(self),
          "bridge its event bus through node " + firstHost);
      // every node reports its resources now, not at its next tick: the view is whole at once
      Runnable requestReports = () ->
          vertx.eventBus().publish(SchedulerMessages.REPORT_REQUEST_ADDRESS, "");
      requestReports.run();
      membership.onNodeLeft(gone -> {
        node.view().remove(gone);
        node.worker().onNodeDied(gone);
      });
      NodeFence fence = ClusterNode.fenceOf(options, gcs, time, node.worker());
      failover.bind(new HostFailover.Parts(links.get(), pushes, gcs, membership, bridge,
          () -> node.view().reports().stream().map(r -> r.nodeId()).toList(), requestReports,
          fence));
      failover.startHeartbeats(channel);
      return new AttachedNode(vertx, node, gcs, pushes, bridge,
          NodeLoadRecorder.startFor(vertx, node, gcs, time), hostLost, failover, fence,
          links.get());
    } catch (RuntimeException e) {
      vertx.close();
      links.get().close();
      pushes.close();
      throw e;
    }
  }

  private static void onThreadOfItsOwn(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * For a driver, once started: its links move to the serializers a member's links generate, on
   * a thread of its own (their build and first compiles are CPU a driver's start would wait for;
   * the bytes are the same). Reflection decodes a driver's async calls at about half the rate
   * (bench, docs/PERFORMANCE.md Session 28). Never blocks.
   */
  public void generateSerializers() {
    onThreadOfItsOwn("jray-link-codegen", () -> {
      try {
        MessageSerializer generated = WorkerPoolVerticle.memberLinkSerializer();
        generated.serialize(new AttachMessages.MembershipQuery()); // builds its Fory here
        links.useSerializer(generated);
      } catch (RuntimeException e) {
        LOG.debug("the driver's links keep writing by reflection: {}", e.toString());
      }
    });
  }

  /**
   * Runs {@code action} once if the link to the host breaks: the host died (a worker process's
   * input ends then too); for a movable node, once if it could not move to another member. On a
   * link thread or the move's; must not block.
   */
  public void whenHostLost(Runnable action) {
    hostLost.set(Objects.requireNonNull(action, "action"));
    failover.whenGivenUp(action);
  }

  /** The member this process hangs off now. */
  public UniqueId host() {
    return failover.host();
  }

  public NodeVerticle node() {
    return node;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The cluster's GCS, through the host. */
  public Gcs gcs() {
    return gcs;
  }

  /**
   * Says it is gone (the cluster hears it at once, not when its host sees the link break), then
   * stops the node and its Vert.x (the links with it). Blocks.
   */
  @Override
  public void close() {
    hostLost.set(() -> {});
    failover.close();
    if (fence != null) {
      fence.close();
    }
    if (NodeWorkers.uninstall(node.worker())) {
      Ray.shutdown();
    }
    try {
      if (load != null) {
        load.close();
      }
      AttachedNodes.recordGone(gcs, node.options().nodeId());
    } catch (RuntimeException e) {
      LOG.debug("saying this attached node is gone", e);
    }
    try {
      bridge.close();
      gcs.close();
      pushes.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing the attached node", e);
    }
  }
}
