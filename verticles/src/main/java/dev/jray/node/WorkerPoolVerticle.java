package dev.jray.node;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages;
import dev.jray.attach.BusMessages;
import dev.jray.attach.InboxChain;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.deploy.DeploymentConfig;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import dev.jray.link.LinkTraffic;
import dev.jray.link.NodeLinks;
import dev.jray.placement.PlacementMessages;
import dev.jray.placement.PlacementVerticle;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.ObjectFetcher;
import dev.jray.runtime.TaskEvent;
import dev.jray.runtime.TaskEventRows;
import dev.jray.scheduler.SchedulerVerticle;
import dev.jray.scheduler.TaskSink;
import dev.jray.store.ObjectStoreVerticle;
import dev.jray.store.transfer.HeapDestination;
import dev.jray.task.TaskSpec;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's worker pool as a verticle: the threads that run tasks and host actors (in-process;
 * separate worker JVMs will be added here), the node's {@link CoreWorker} (which owns the objects
 * made on this node) and its direct {@link NodeLinks} to the other nodes. Deploy it after the
 * node's {@link ObjectStoreVerticle} and {@link SchedulerVerticle}, with the same {@value
 * #NODE_ID}: it finds them in {@link LocalParts}, runs what the scheduler decides (it binds itself
 * as the scheduler's {@link TaskSink}) and writes large values into the store, all by direct
 * calls. It registers itself, and the node's {@link PlacementVerticle.GroupWork}.
 *
 * <p>Event-bus contract: {@link #statsAddress(UniqueId)} answers a request with JSON {@code
 * poolThreads}, {@code activeThreads}, {@code completedTasks}, {@code linkPort}; one whose body
 * holds {@value #TASK_EVENTS} (a row count, at most {@value #MAX_ROWS}) with the node's
 * task rows instead, as {@link TaskEventRows} makes them: {@code {node_id, rows: [...]}}; one
 * that holds {@value #OBJECTS} likewise with its object rows ({@link CoreWorker#objectRows}). The worker sends
 * {@code SchedulerMessages} to schedulers and {@code PlacementMessages} to the placement service
 * (codecs registered here); tasks, results and actor calls between nodes ride the links, not the
 * bus.
 *
 * <p>Its links prove the cluster token to other nodes and ask it of them: the one given to the
 * constructor, else (deployed with no token) the one {@link TokenSources} finds for this process.
 *
 * <p>Threading: start and stop run on its event-loop context, the blocking work in
 * executeBlocking; the fields are written in start, before the deployment completes. The worker
 * and links are thread-safe; {@link #linkAddress} and {@link #fetch} are called on link and worker
 * threads.
 */
public final class WorkerPoolVerticle extends AbstractVerticle {
  // ---- Deployment config (JSON keys) ----
  /** The node's id (hex), that of its store and scheduler; required. */
  public static final String NODE_ID = "nodeId";
  /** Address the links to other nodes listen on; default: none (a node alone). */
  public static final String LINK_HOST = "linkHost";
  private static final Set<String> KEYS = Set.of(NODE_ID, LINK_HOST);

  // ---- Event-bus contract ----
  /** The key of a stats request that asks for task rows: how many, newest first. */
  public static final String TASK_EVENTS = "task_events";
  /** The key of a stats request that asks for object rows: how many of each kind. */
  public static final String OBJECTS = "objects";
  /** The most rows of a kind one reply holds (their JSON stays within the bus's frame limit). */
  public static final int MAX_ROWS = 5_000;

  /** {@code jray.node.<nodeId>.workers.stats}: see the class comment. */
  public static String statsAddress(UniqueId nodeId) {
    return "jray.node." + nodeId.toHex() + ".workers.stats";
  }

  /** What the links decode peers' messages with: jray's link messages only. */
  private static final MessageSerializer LINK_MESSAGES =
      new MessageSerializer(linkMessageTypes());

  /** A member's link serializer: it generates serializers (attached drivers move to it). */
  static MessageSerializer memberLinkSerializer() {
    return LINK_MESSAGES;
  }

  /** What nodes and their attached processes send each other over their links. */
  static List<Class<?>> linkMessageTypes() {
    List<Class<?>> types = new ArrayList<>(CoreWorker.linkMessageTypes());
    types.addAll(AttachMessages.types());
    types.addAll(BusMessages.types());
    return types;
  }

  /**
   * The serializer of an attached process's links: the same messages, always written by
   * reflection. Generating serializers (a node's links) cost a new process 2 s of CPU on its
   * start, and, generated once it was busy, cut its first seconds of calls to a third (bench,
   * docs/PERFORMANCE.md Session 26); the bytes are the same either way.
   */
  static MessageSerializer attachedLinkSerializer() {
    return AttachedLinkMessages.SERIALIZER;
  }

  /** Built on first use: only attached processes and the class archive's training need it. */
  private static final class AttachedLinkMessages {
    static final MessageSerializer SERIALIZER =
        MessageSerializer.withoutCodegen(linkMessageTypes());
  }

  /** How long a link waits for a node it heard of to register (it reports before it does). */
  private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);
  /** How often a node in a cluster drops what it keeps for jobs that finished. */
  private static final long JOB_SWEEP_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPoolVerticle.class);

  /** Null until start when none was given. */
  private ClusterToken token;
  /** Mutual TLS on the links, given with the token, else the process's; null: plain TCP. */
  private TlsSettings tls;
  private UniqueId nodeId;
  private SchedulerVerticle scheduler;
  /** What it bound as its scheduler's sink. */
  private TaskSink sink;
  /** What it registered as the node's GroupWork. */
  private PlacementVerticle.GroupWork groupWork;
  private Gcs gcs;
  /** The node's clock: the links' back-off, the wait for a peer's registration. */
  private Time time;
  private ObjectStoreVerticle store;
  private ThreadPoolExecutor executor;
  /**
   * The records of live nodes that objects were fetched from, so a fetch does not wait for a GCS
   * read; a node is dropped when it leaves. Read and written by fetching threads.
   */
  private final Map<UniqueId, NodeRecord> transferPeers = new ConcurrentHashMap<>();
  private CoreWorker worker;
  private NodeLinks links;
  /** 0 when the links do not listen. */
  private int linkPort;

  /**
   * A worker pool whose links talk to nodes that prove {@code token}, over mutual TLS unless
   * {@code tls} is null.
   */
  public WorkerPoolVerticle(ClusterToken token, TlsSettings tls) {
    this.token = Objects.requireNonNull(token, "token");
    this.tls = tls;
  }

  /**
   * A worker pool deployed with no token: its links use the token {@link TokenSources} finds for
   * this process; if it finds none, a pool whose links listen fails to deploy, and one whose
   * links do not (a node alone) makes one up. Links that listen use the process's {@link
   * TlsSettings}.
   */
  public WorkerPoolVerticle() {}

  @Override
  public void start(Promise<Void> started) {
    DeploymentConfig config;
    String linkHost;
    try {
      config = DeploymentConfig.of("WorkerPoolVerticle", config(), KEYS);
      nodeId = config.requiredNodeId(NODE_ID);
      linkHost = config.string(LINK_HOST, null);
      if (token == null) {
        token = linkHost != null ? TokenSources.ofProcess().require(null)
            : Objects.requireNonNullElseGet(TokenSources.ofProcess().find(null),
                ClusterToken::generate);
        tls = linkHost != null ? TlsSettings.ofProcess() : null;
      }
      store = LocalParts.require(vertx, nodeId, ObjectStoreVerticle.class, "WorkerPoolVerticle");
      scheduler = LocalParts.require(vertx, nodeId, SchedulerVerticle.class, "WorkerPoolVerticle");
    } catch (RuntimeException e) {
      started.fail(e);
      return;
    }
    // (the scheduler's messages it sends have their codecs from the SchedulerVerticle)
    // the worker creates and removes placement groups (drivers too, which host no placement)
    ForyMessageCodec.registerCodecs(vertx, PlacementMessages.types().toArray(new Class<?>[0]));
    // the worker subscribes to the GCS (the network, in a cluster): not on the event loop
    vertx.executeBlocking(() -> {
      gcs = LocalParts.gcs(vertx, nodeId);
      time = LocalParts.time(vertx, nodeId);
      AtomicInteger threads = new AtomicInteger();
      // as Executors.newCachedThreadPool, typed so its counts can be read for the stats
      executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            // inherits no thread locals: a thread started from an actor's call is not the actor's
            Thread t = new Thread(null, r, "jray-worker-" + threads.incrementAndGet(), 0, false);
            t.setDaemon(true);
            return t;
          });
      worker = new CoreWorker(vertx, nodeId, gcs, Serializers.fromSystemProperties(),
          store.store(), executor);
      // an attached process's links are up before its worker (its GCS goes through them); a
      // host's relays and a process's clients of its host take their messages first
      InboxChain chain = LocalParts.find(vertx, nodeId, InboxChain.class);
      if (chain != null) {
        chain.bindTail(worker.inbox());
      }
      NodeLinks premade = LocalParts.find(vertx, nodeId, NodeLinks.class);
      links = premade != null ? premade : new NodeLinks(nodeId, token, tls, LINK_MESSAGES,
          CoreWorker.class.getClassLoader(), this::linkAddress,
          chain != null ? chain : worker.inbox(), time);
      sink = new TaskSink() {
        @Override
        public void dispatch(TaskSpec spec) {
          worker.dispatch(spec);
        }

        @Override
        public void forward(UniqueId node, TaskSpec spec) {
          links.send(node, spec);
          worker.locate(spec, node);
        }
      };
      scheduler.bind(sink);
      worker.start(scheduler.scheduler(), new ObjectFetcher() {
        @Override
        public CompletableFuture<Void> fetch(ObjectId id, UniqueId fromNode) {
          return WorkerPoolVerticle.this.fetch(id, fromNode);
        }

        @Override
        public CompletableFuture<byte[]> read(ObjectId id, UniqueId fromNode,
            HeapDestination into) {
          return WorkerPoolVerticle.this.read(id, fromNode, into);
        }

        @Override
        public void onNodeLeft(UniqueId node) {
          transferPeers.remove(node);
          store.onPeerLeft(node);
        }
      }, links);
      if (linkHost != null) {
        linkPort = links.listen(linkHost);
      }
      return null;
    }).compose(v -> vertx.eventBus().<Object>consumer(statsAddress(nodeId), this::answerStats)
        .completion()).onSuccess(v -> {
          LocalParts.register(vertx, nodeId, WorkerPoolVerticle.class, this);
          if (linkHost != null) {
            vertx.setPeriodic(JOB_SWEEP_MS, t -> sweepFinishedJobs());
          }
          groupWork = worker::onPlacementGroupRemoved;
          LocalParts.register(vertx, nodeId, PlacementVerticle.GroupWork.class, groupWork);
        }).onFailure(e -> vertx.executeBlocking(() -> {
          stopParts(); // a failed deployment gets no stop
          return null;
        })).onComplete(started);
  }

  @Override
  public void stop(Promise<Void> stopped) {
    LocalParts.unregister(vertx, nodeId, WorkerPoolVerticle.class, this);
    LocalParts.unregister(vertx, nodeId, PlacementVerticle.GroupWork.class, groupWork);
    vertx.executeBlocking(() -> {
      stopParts();
      return null;
    }).<Void>mapEmpty().onComplete(stopped);
  }

  /** Answers a stats request: the pool's counters, or the node's task rows. */
  private void answerStats(Message<Object> m) {
    String kind = m.body() instanceof JsonObject body ? body.containsKey(TASK_EVENTS)
        ? TASK_EVENTS : body.containsKey(OBJECTS) ? OBJECTS : null : null;
    if (kind == null) {
      m.reply(statsJson());
      return;
    }
    if (!(((JsonObject) m.body()).getValue(kind) instanceof Number asked)) {
      m.fail(400, kind + " must be a number of rows");
      return;
    }
    int max = (int) Math.max(0, Math.min(MAX_ROWS, asked.longValue()));
    vertx.executeBlocking(() -> kind.equals(OBJECTS) ? objectRows(max) : taskRows(max), false)
        .onSuccess(m::reply)
        .onFailure(e -> m.fail(500, String.valueOf(e)));
  }

  /**
   * The node's object rows, at most {@code max} of owned refs and of store copies each, with
   * {@code total} (the rows with no cap) and a {@code warning} when the cap left some out.
   */
  private JsonObject objectRows(int max) {
    int held = worker.objectRowsHeld();
    List<JsonObject> rows = worker.objectRows(max);
    return new JsonObject().put("node_id", nodeId.toHex()).put("rows", new JsonArray(rows))
        .put("total", Math.max(held, rows.size()))
        .put("warning", held > rows.size() ? "holds " + held + " object rows; answered "
            + rows.size() + " (at most " + max + " owned refs and " + max + " store copies)"
            : "");
  }

  /**
   * The node's task rows, the newest {@code max}, with {@code total} (the tasks its events read
   * had) and a {@code warning} when the cap, or events its rings overwrote or it did not read,
   * left tasks out or showed them at an earlier state.
   */
  private JsonObject taskRows(int max) {
    long recorded = worker.taskEvents().recorded(); // before the copy: newer events only add
    List<TaskEvent> events = worker.taskEvents().latest(max * 4);
    List<JsonObject> all = TaskEventRows.of(events, worker.hostNodeId(), nodeId,
        ProcessHandle.current().pid(), Integer.MAX_VALUE);
    List<JsonObject> rows = all.size() <= max ? all : all.subList(all.size() - max, all.size());
    List<String> left = new ArrayList<>();
    if (all.size() > max) {
      left.add("had " + all.size() + " tasks' rows; answered the newest " + max);
    }
    long unread = recorded - events.size();
    if (unread > 0) {
      left.add(unread + " older task events were overwritten in its per-thread rings or not"
          + " read (at most " + max * 4 + " per answer): their tasks are missing or show an"
          + " earlier state");
    }
    return new JsonObject().put("node_id", nodeId.toHex()).put("rows", new JsonArray(rows))
        .put("total", all.size()).put("warning", String.join("; ", left));
  }

  /** Drops the class loaders of finished jobs (off the event loop: it reads the GCS). */
  private void sweepFinishedJobs() {
    vertx.executeBlocking(worker::forgetFinishedJobs, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("dropping what this node keeps for finished jobs", ar.cause());
      } else if (!ar.result().isEmpty()) {
        LOG.atDebug().log(() -> "dropped the class loaders of finished jobs " + ar.result());
      }
    });
  }

  /** Stops what start made, as far as it got. Blocks. */
  private void stopParts() {
    if (sink != null) {
      scheduler.unbind(sink);
    }
    if (worker != null) {
      worker.stop();
    }
    if (links != null) {
      links.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private JsonObject statsJson() {
    return new JsonObject().put("poolThreads", executor.getPoolSize())
        .put("activeThreads", executor.getActiveCount())
        .put("completedTasks", executor.getCompletedTaskCount()).put("linkPort", linkPort)
        .put("pid", ProcessHandle.current().pid())
        .put("host_node_id", worker.hostNodeId().toHex());
  }

  /**
   * Where a node's links listen, from the GCS; null if it is gone or has no link. A node that
   * already reports its resources may not have registered yet: waits for its record a while.
   * Called on a link's connector thread.
   */
  private InetSocketAddress linkAddress(UniqueId node) {
    return linkAddress(gcs, time, node);
  }

  /** As above, from {@code gcs}; blocks. */
  static InetSocketAddress linkAddress(Gcs gcs, Time time, UniqueId node) {
    NodeRecord[] registered = new NodeRecord[1];
    Await.until(time, REGISTRATION_WAIT, () -> (registered[0] = gcs.nodes().get(node)) != null);
    NodeRecord peer = registered[0];
    if (peer == null || !peer.alive() || peer.linkPort() == 0) {
      return null;
    }
    return new InetSocketAddress(peer.address(), peer.linkPort());
  }

  /** Pulls an object from the node that holds it into this node's store. */
  private CompletableFuture<Void> fetch(ObjectId id, UniqueId from) {
    return transferAddress(from)
        .thenCompose(peer -> store.pull(from, peer.address(), peer.objectTransferPort(), id)
            .toCompletionStage().toCompletableFuture());
  }

  /** A read into the heap; cancelling what it returns cancels the read once it has started. */
  private CompletableFuture<byte[]> read(ObjectId id, UniqueId from, HeapDestination into) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    transferAddress(from).whenComplete((peer, e) -> {
      if (e != null) {
        result.completeExceptionally(e instanceof CompletionException ? e.getCause() : e);
        return;
      }
      CompletableFuture<byte[]> read =
          store.read(from, peer.address(), peer.objectTransferPort(), id, into);
      result.whenComplete((v, x) -> read.cancel(false)); // a no-op unless the reader gave up
      read.whenComplete((v, x) -> {
        if (x == null) {
          result.complete(v);
        } else {
          result.completeExceptionally(x);
        }
      });
    });
    return result;
  }

  /**
   * Node {@code from}'s record: known already (a node's address and port never change), or read
   * from the GCS on the executor, since that blocks. Fails with an {@link IllegalStateException}
   * if it is unknown, dead or serves no objects.
   */
  private CompletableFuture<NodeRecord> transferAddress(UniqueId from) {
    NodeRecord known = transferPeers.get(from);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return CompletableFuture.supplyAsync(() -> {
      NodeRecord peer = gcs.nodes().get(from);
      if (peer == null || !peer.alive() || peer.objectTransferPort() == 0) {
        throw new IllegalStateException("node " + from + (peer == null ? " is unknown" : " is gone"));
      }
      transferPeers.put(from, peer);
      return peer;
    }, executor);
  }

  /** The node's worker: a driver runs on it. Set once started. */
  public CoreWorker worker() {
    return worker;
  }

  /** What the node's links carried, both ways. Set once started. */
  public LinkTraffic linkTraffic() {
    return links.traffic();
  }

  /** The port the links listen on; 0 when they do not. */
  public int linkPort() {
    return linkPort;
  }

  /** Its context: the node deploys its next part from here, so Vert.x undeploys that first. */
  public Context context() {
    return context;
  }
}
