package dev.jray.node;

import dev.jray.api.Ray;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.BusBridge;
import dev.jray.attach.HostChannel;
import dev.jray.attach.HostGcs;
import dev.jray.attach.HostMembership;
import dev.jray.attach.InboxChain;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.NodeWorkers;
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
 * A JVM attached to a cluster through one node, its host, as a Ray worker hangs off its raylet:
 * no Hazelcast member and no clustered event bus, so it starts in a fraction of a member's time.
 * A non-clustered Vert.x runs its node (store, scheduler, worker), whose GCS ({@link HostGcs}),
 * membership ({@link HostMembership}) and cluster-wide event-bus conversations ({@link BusBridge})
 * go over the link to its host; other nodes reach it directly over their links and its store's
 * transfer port, which its GCS record names. Its host tells the cluster when it ends.
 *
 * <p>Threading: immutable after {@link #start}, which blocks (not on an event loop); node deaths
 * come on the membership client's thread and never block.
 */
public final class AttachedNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttachedNode.class);
  /** How long a GCS or bus request to the host may take before it fails. */
  static final Duration HOST_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final NodeVerticle node;
  private final HostGcs gcs;
  private final HostMembership membership;
  private final BusBridge bridge;

  private AttachedNode(Vertx vertx, NodeVerticle node, HostGcs gcs, HostMembership membership,
      BusBridge bridge) {
    this.vertx = vertx;
    this.node = node;
    this.gcs = gcs;
    this.membership = membership;
    this.bridge = bridge;
  }

  /**
   * Attaches to {@code host} at {@code hostLink} and starts this JVM's node; blocks until it is
   * registered. Its worker becomes this JVM's Ray runtime.
   *
   * @param options the node; {@code options.attachedTo()} is the host
   * @throws IllegalStateException naming the host if it cannot be reached or the node not started
   */
  public static AttachedNode start(NodeOptions options, InetSocketAddress hostLink, Time time) {
    UniqueId self = options.nodeId();
    UniqueId host = Objects.requireNonNull(options.attachedTo(), "options.attachedTo");
    Vertx vertx = Vertx.vertx();
    try {
      AtomicReference<NodeLinks> links = new AtomicReference<>();
      HostChannel channel = new HostChannel() {
        @Override
        public CompletableFuture<Object> request(Object message) {
          return links.get().request(host, message);
        }

        @Override
        public void send(Object message) {
          links.get().send(host, message);
          links.get().flushCurrentThread();
        }
      };
      HostGcs gcs = new HostGcs(channel, HOST_REQUEST_TIMEOUT, time);
      HostMembership membership = new HostMembership(channel, HOST_REQUEST_TIMEOUT,
          options.host() + ":0");
      BusBridge bridge = new BusBridge(vertx, channel, HOST_REQUEST_TIMEOUT);
      InboxChain chain = new InboxChain(List.of(gcs::onMessage, membership::onMessage,
          bridge::onMessage));
      links.set(new NodeLinks(self, options.token(), options.tls(),
          WorkerPoolVerticle.linkSerializer(), CoreWorker.class.getClassLoader(),
          node -> node.equals(host) ? hostLink : WorkerPoolVerticle.linkAddress(gcs, time, node),
          chain, time));
      LocalParts.register(vertx, self, NodeLinks.class, links.get());
      LocalParts.register(vertx, self, InboxChain.class, chain);
      await(bridge.bridgeWorkerProcess(self), "bridge its event bus through node " + host);
      NodeVerticle node = await(NodeVerticle.deploy(vertx, options, gcs, time),
          "start the node attached to " + host + " at " + hostLink);
      membership.onNodeLeft(gone -> {
        node.view().remove(gone);
        node.worker().onNodeDied(gone);
      });
      NodeWorkers.install(node.worker());
      Ray.init(); // the code of its tasks and actors calls Ray through its worker
      return new AttachedNode(vertx, node, gcs, membership, bridge);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public NodeVerticle node() {
    return node;
  }

  public Vertx vertx() {
    return vertx;
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("could not " + what + ": " + cause.getMessage(), cause);
    }
  }

  /** Stops the node, then its Vert.x (the links with it). Blocks. */
  @Override
  public void close() {
    if (NodeWorkers.uninstall(node.worker())) {
      Ray.shutdown();
    }
    try {
      bridge.close();
      gcs.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing the attached node", e);
    }
  }
}
