package dev.jray.store;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.deploy.DeploymentConfig;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.store.transfer.ObjectTransferClient;
import dev.jray.store.transfer.ObjectTransferServer;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A node's object store as a verticle: the {@link ObjectStore} (memory, eviction, spilling) and,
 * when it serves other nodes, the {@link ObjectTransferServer} that sends them copies and the
 * {@link ObjectTransferClient} that pulls theirs. Deployable alone into any Vert.x:
 * {@code vertx.deployVerticle(new ObjectStoreVerticle(), new DeploymentOptions().setConfig(
 * new JsonObject().put("capacityBytes", 1 << 30)))}. Undeploying it frees the store's memory and
 * removes its directories.
 *
 * <p>The transfer server and client ask every peer for the cluster token: the one given to the
 * constructor, else (deployed with no token) the one {@link TokenSources} finds for this process.
 *
 * <p>In-JVM callers (the worker pool) use {@link #store()} directly: a put or get is a method
 * call, never a message. It registers itself in {@link LocalParts} under its node id.
 *
 * <p>Threading: start and stop run on its event-loop context and do their file work in
 * executeBlocking; the store, server and client are thread-safe. The fields are written once in
 * start, before the deployment completes, and read from any thread after.
 */
public final class ObjectStoreVerticle extends AbstractVerticle {
  // ---- Deployment config (JSON keys) ----
  /** The node's id in hex; default: a new one. Names the stats address. */
  public static final String NODE_ID = "nodeId";
  /** Most bytes of object memory; default {@link StoreCapacity#defaultCapacity()} (30% of RAM). */
  public static final String CAPACITY_BYTES = "capacityBytes";
  /** Where spill files go (in a subdirectory of its own); default {@code java.io.tmpdir}. */
  public static final String SPILL_DIRECTORY = "spillDirectory";
  /** Address to serve copies to other nodes on; default: none (a node alone serves nothing). */
  public static final String TRANSFER_HOST = "transferHost";
  /** Port of the transfer server; default 0 (any free one, see {@link #transferPort()}). */
  public static final String TRANSFER_PORT = "transferPort";
  private static final Set<String> KEYS =
      Set.of(NODE_ID, CAPACITY_BYTES, SPILL_DIRECTORY, TRANSFER_HOST, TRANSFER_PORT);

  // ---- Event-bus contract ----
  /**
   * {@code jray.node.<nodeId>.store.stats}: any request body; replies a JSON object with {@code
   * capacityBytes}, {@code usedBytes}, {@code objectCount}, {@code spilledBytes}, {@code
   * spilledCount}. Object bytes never ride the bus: they move between stores over TCP.
   */
  public static String statsAddress(UniqueId nodeId) {
    return "jray.node." + nodeId.toHex() + ".store.stats";
  }

  /** Null until start when none was given: then it is the process's, if it serves other nodes. */
  private ClusterToken token;
  /** Mutual TLS on the transfer port, given with the token, else the process's; null: plain. */
  private TlsSettings tls;
  private UniqueId nodeId;
  private ObjectStore store;
  /** Null unless it serves other nodes. */
  private ObjectTransferServer transferServer;
  /** Null unless it serves other nodes. */
  private ObjectTransferClient transferClient;

  /**
   * A store that serves its copies to, and pulls from, nodes that prove {@code token}, over
   * mutual TLS unless {@code tls} is null.
   */
  public ObjectStoreVerticle(ClusterToken token, TlsSettings tls) {
    this.token = Objects.requireNonNull(token, "token");
    this.tls = tls;
  }

  /**
   * A store deployed with no token: if it serves other nodes, it uses the token {@link
   * TokenSources} finds for this process, and fails to deploy if there is none, and the process's
   * {@link TlsSettings}.
   */
  public ObjectStoreVerticle() {}

  @Override
  public void start(Promise<Void> started) {
    DeploymentConfig config;
    String transferHost;
    int transferPort;
    try {
      config = DeploymentConfig.of("ObjectStoreVerticle", config(), KEYS);
      nodeId = config.nodeId(NODE_ID, IdFactory.newUniqueId());
      transferHost = config.string(TRANSFER_HOST, null);
      transferPort = config.port(TRANSFER_PORT, 0);
      if (transferHost != null && token == null) {
        token = TokenSources.ofProcess().require(null);
        tls = TlsSettings.ofProcess();
      }
    } catch (IllegalArgumentException e) {
      started.fail(e);
      return;
    }
    Time time = LocalParts.time(vertx, nodeId);
    vertx.executeBlocking(() -> {
          // reads the config here too: the default capacity asks the OS
          long capacity = config.positiveLong(CAPACITY_BYTES, StoreCapacity.defaultCapacity());
          Path spill = Path.of(config.string(SPILL_DIRECTORY, System.getProperty("java.io.tmpdir")));
          store = new ObjectStore(capacity, spill);
          return null;
        })
        .compose(v -> transferHost == null ? Future.succeededFuture()
            : ObjectTransferServer.start(vertx, store, transferHost, transferPort,
                    token, tls, nodeId, time)
                .map(server -> {
                  transferServer = server;
                  transferClient = new ObjectTransferClient(vertx, token, tls, nodeId, time);
                  return null;
                }))
        .compose(v -> vertx.eventBus().consumer(statsAddress(nodeId),
            m -> m.reply(statsJson())).completion())
        .onSuccess(v -> LocalParts.register(vertx, nodeId, ObjectStoreVerticle.class, this))
        .onFailure(e -> {
          if (store != null) {
            store.close();
          }
        })
        .onComplete(started);
  }

  @Override
  public void stop(Promise<Void> stopped) {
    LocalParts.unregister(vertx, nodeId, ObjectStoreVerticle.class, this);
    Future<Void> server = transferServer != null ? transferServer.close() : Future.succeededFuture();
    Future<Void> client = transferClient != null ? transferClient.close() : Future.succeededFuture();
    Future.join(server, client).transform(ignored -> vertx.executeBlocking(() -> {
      store.close();
      return null;
    })).<Void>mapEmpty().onComplete(stopped);
  }

  private JsonObject statsJson() {
    ObjectStore.Stats s = store.stats();
    return new JsonObject().put("capacityBytes", s.capacity()).put("usedBytes", s.usedBytes())
        .put("objectCount", s.objectCount()).put("spilledBytes", s.spilledBytes())
        .put("spilledCount", s.spilledCount());
  }

  /**
   * Copies object {@code id} from node {@code peer}, serving objects at {@code host:port}, into
   * this store as a cached copy (see {@link ObjectTransferClient#pull}).
   *
   * @throws IllegalStateException if this store serves no other nodes (it runs alone)
   */
  public Future<Void> pull(UniqueId peer, String host, int port, ObjectId id) {
    if (transferClient == null) {
      return Future.failedFuture(new IllegalStateException("the object store of node " + nodeId
          + " runs alone: it pulls from no other node"));
    }
    return transferClient.pull(peer, host, port, id, store, false);
  }

  /**
   * Reads object {@code id} from node {@code peer}, serving objects at {@code host:port}, straight
   * into the heap array {@code into} chooses, keeping no copy here (see {@link
   * ObjectTransferClient#read}); cancelling the future ends the read.
   */
  public CompletableFuture<byte[]> read(UniqueId peer, String host, int port, ObjectId id,
      HeapDestination into) {
    if (transferClient == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the object store of node "
          + nodeId + " runs alone: it reads from no other node"));
    }
    return transferClient.read(peer, host, port, id, into);
  }

  /**
   * Node {@code peer} left the cluster: pulls from it fail now, and its pulls from here end,
   * unpinning what they were sending. Never blocks.
   */
  public void onPeerLeft(UniqueId peer) {
    if (transferClient != null) {
      transferClient.cancelPullsFrom(peer, "node " + peer + " left the cluster");
    }
    if (transferServer != null) {
      transferServer.abortPullsBy(peer);
    }
  }

  /** The store, for direct calls by the node's own parts. Set once started. */
  public ObjectStore store() {
    return store;
  }

  public UniqueId nodeId() {
    return nodeId;
  }

  /** The port it serves copies on; 0 when it serves none. */
  public int transferPort() {
    return transferServer != null ? transferServer.port() : 0;
  }

  /** Bytes of objects sent whole to other nodes (0 when it serves no copies). Thread-safe. */
  public long transferSentBytes() {
    ObjectTransferServer server = transferServer;
    return server != null ? server.sentBytes() : 0;
  }

  /** Bytes of objects pulled or read whole from other nodes (0 outside a cluster). Thread-safe. */
  public long transferReceivedBytes() {
    ObjectTransferClient client = transferClient;
    return client != null ? client.receivedBytes() : 0;
  }

  /** Its context: the node deploys its next part from here, so Vert.x undeploys that first. */
  public Context context() {
    return context;
  }
}
