package dev.jray.scheduler;

import dev.jray.resources.ResourceSet;
import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.SchedulerMessages.BundleCommit;
import dev.jray.scheduler.SchedulerMessages.BundlePrepare;
import dev.jray.scheduler.SchedulerMessages.BundleReturn;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import dev.jray.scheduler.SchedulerMessages.StateRequest;
import dev.jray.scheduler.SchedulerMessages.TaskBlocked;
import dev.jray.scheduler.SchedulerMessages.TaskReleased;
import dev.jray.gcs.bus.DefaultCodecs;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.deploy.DeploymentConfig;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Time;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's scheduler as a verticle: owns the node's {@link ResourceScheduler} and its {@link
 * ClusterView} of the other nodes. Deployable alone into any Vert.x: {@code
 * vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(new JsonObject()
 * .put("resources", new JsonObject().put("CPU", 4))))}. Code on the node calls the
 * ResourceScheduler directly ({@link #scheduler()}); what it decides goes to the {@link TaskSink}
 * the worker pool {@link #bind binds}; tasks from other nodes arrive over the node's direct links.
 *
 * <p>Event-bus contract: {@link #address(UniqueId)} takes {@link TaskReleased}, {@link
 * TaskBlocked}, placement-group bundle reservations ({@link BundlePrepare}, {@link BundleCommit},
 * {@link BundleReturn}, replied with a Boolean) and {@link StateRequest} (replied with a {@link
 * SchedulerMessages.SchedulerState}) from anywhere in the cluster; {@link #statsAddress(UniqueId)}
 * answers any request with the same state as JSON. In a cluster it publishes the node's {@link
 * ResourceReport} to {@link SchedulerMessages#RESOURCES_ADDRESS} (when it changes, and every
 * second), feeds the others' into its view, and answers {@link
 * SchedulerMessages#REPORT_REQUEST_ADDRESS}. It registers the codecs of {@link
 * SchedulerMessages#types()} and the reports' own.
 *
 * <p>Threading: handlers run on its event-loop context and never block; the ResourceScheduler and
 * view are thread-safe. {@link #sink} is set by {@link #bind} and cleared by {@link #unbind},
 * under the lock of {@link #unbound}, where decisions wait while there is none. The other fields are written in start, before the
 * deployment completes.
 */
public final class SchedulerVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  // ---- Deployment config (JSON keys) ----
  /** The node's id in hex; default: a new one. */
  public static final String NODE_ID = "nodeId";
  /** The node's resources, a JSON object of names to amounts; default {"CPU": the cores}. */
  public static final String RESOURCES = "resources";
  /** Whether the node runs tasks (false for a driver: it forwards everything); default true. */
  public static final String RUNS_TASKS = "runsTasks";
  /** Whether it takes part in a cluster (reports, the others' view); default false. */
  public static final String CLUSTERED = "clustered";
  private static final Set<String> KEYS = Set.of(NODE_ID, RESOURCES, RUNS_TASKS, CLUSTERED);

  // ---- Event-bus contract ----
  /** Where the node's scheduler takes control messages (see the class comment). */
  public static String address(UniqueId nodeId) {
    return "jray.node." + nodeId + ".scheduler";
  }

  /**
   * {@code jray.node.<nodeId>.scheduler.stats}: any request body; replies a JSON object with
   * {@code total} and {@code available} (resource name to amount), {@code demands} and {@code
   * infeasible} (pending tasks by resource shape) and {@code running}.
   */
  public static String statsAddress(UniqueId nodeId) {
    return address(nodeId) + ".stats";
  }

  /** A node silent this long leaves the view (membership usually says so sooner). */
  private static final long VIEW_EXPIRY_MS = 3_000;
  private static final long REPORT_CHECK_MS = 100;
  /**
   * A placement bundle prepared but not committed within this is returned (its placement
   * service died between the phases); a placement round commits within milliseconds.
   */
  static final Duration PREPARED_BUNDLE_LEASE = Duration.ofSeconds(5);
  private static final long LEASE_CHECK_MS = 1_000;
  private static final long REPORT_EVERY_MS = 1000;

  private ResourceScheduler scheduler;
  private ClusterView view;
  private boolean clustered;
  private boolean publishReports;
  private volatile TaskSink sink;
  /** Decisions made before {@link #bind}, run by it. */
  private final List<Consumer<TaskSink>> unbound = new ArrayList<>();
  /** Event loop only. */
  private ResourceReport lastReport;
  /** Event loop only; on {@link #time}'s monotonic clock. */
  private long lastReportAtMs;
  /** The node's clock (its {@link LocalParts} entry), set by start. */
  private Time time;

  /**
   * Sends this scheduler's decisions to {@code target} from now on, and those it made before.
   *
   * @throws IllegalStateException if a sink is bound already
   */
  public void bind(TaskSink target) {
    Objects.requireNonNull(target, "target");
    List<Consumer<TaskSink>> waiting;
    synchronized (unbound) {
      if (sink != null) {
        throw new IllegalStateException("scheduler " + scheduler.nodeId() + " has a sink already");
      }
      sink = target;
      waiting = List.copyOf(unbound);
      unbound.clear();
    }
    waiting.forEach(decision -> decision.accept(target));
  }

  /** Stops sending to {@code target} (its worker pool stopped): decisions wait for the next. */
  public void unbind(TaskSink target) {
    synchronized (unbound) {
      if (sink == target) {
        sink = null;
      }
    }
  }

  private void toSink(Consumer<TaskSink> decision) {
    TaskSink target = sink;
    if (target == null) {
      synchronized (unbound) {
        target = sink;
        if (target == null) {
          unbound.add(decision);
          return;
        }
      }
    }
    decision.accept(target);
  }

  @Override
  public void start(Promise<Void> started) {
    UniqueId nodeId;
    Map<String, Double> resources;
    boolean runsTasks;
    try {
      DeploymentConfig config = DeploymentConfig.of("SchedulerVerticle", config(), KEYS);
      nodeId = config.nodeId(NODE_ID, IdFactory.newUniqueId());
      resources = config.resources(RESOURCES,
          Map.of(ResourceSet.CPU, (double) Runtime.getRuntime().availableProcessors()));
      runsTasks = config.bool(RUNS_TASKS, true);
      clustered = config.bool(CLUSTERED, false);
    } catch (IllegalArgumentException e) {
      started.fail(e);
      return;
    }
    publishReports = clustered && runsTasks;
    time = LocalParts.time(vertx, nodeId);
    // reports expire on the monotonic clock: a wall-clock step neither ages nor revives them
    view = new ClusterView(() -> TimeUnit.NANOSECONDS.toMillis(time.nanoseconds()), VIEW_EXPIRY_MS);
    scheduler = new ResourceScheduler(nodeId, ResourceSet.of(resources),
        spec -> toSink(s -> s.dispatch(spec)), view,
        (node, spec) -> toSink(s -> s.forward(node, spec)), runsTasks, time);
    if (runsTasks) {
      vertx.setPeriodic(LEASE_CHECK_MS, t -> scheduler.returnExpiredBundles(PREPARED_BUNDLE_LEASE));
    }
    ForyMessageCodec.registerCodecs(vertx, SchedulerMessages.types().toArray(new Class<?>[0]));
    DefaultCodecs.register(vertx, ResourceReport.class, ResourceReportCodec::new);
    Future<Void> reports = Future.succeededFuture();
    if (clustered) {
      reports = vertx.eventBus().<ResourceReport>consumer(SchedulerMessages.RESOURCES_ADDRESS, m -> {
        if (!m.body().nodeId().equals(scheduler.nodeId())) {
          view.update(m.body());
          scheduler.onViewChanged();
        }
      }).completion();
    }
    Future<Void> requests = Future.succeededFuture();
    if (publishReports) {
      vertx.setPeriodic(REPORT_CHECK_MS, t -> publishReport());
      requests = vertx.eventBus().consumer(SchedulerMessages.REPORT_REQUEST_ADDRESS, m -> {
        lastReport = null; // forces the next publish
        publishReport();
      }).completion();
    }
    Future<Void> stats = vertx.eventBus().consumer(statsAddress(nodeId),
        m -> m.reply(statsJson(scheduler.state()))).completion();
    Future.all(reports, requests, stats, vertx.eventBus().<Object>consumer(address(nodeId),
        this::onMessage).completion()).<Void>compose(all -> {
          LocalParts.register(vertx, nodeId, SchedulerVerticle.class, this);
          if (clustered) {
            // subscribed: ask the others for their reports now rather than within a second
            vertx.eventBus().publish(SchedulerMessages.REPORT_REQUEST_ADDRESS, "");
          }
          return Future.succeededFuture();
        }).onComplete(started);
  }

  @Override
  public void stop() {
    LocalParts.unregister(vertx, scheduler.nodeId(), SchedulerVerticle.class, this);
  }

  /** The node's scheduler, for direct calls by its other parts. Set once started. */
  public ResourceScheduler scheduler() {
    return scheduler;
  }

  /** The other nodes' resources as this node last heard them. Set once started. */
  public ClusterView view() {
    return view;
  }

  /** Its context: the node deploys its next part from here, so Vert.x undeploys that first. */
  public Context context() {
    return context;
  }

  private static JsonObject statsJson(SchedulerMessages.SchedulerState state) {
    return new JsonObject().put("total", json(state.total()))
        .put("available", json(state.available())).put("demands", json(state.demands()))
        .put("infeasible", json(state.infeasible())).put("running", state.running());
  }

  private static JsonObject json(Map<String, ? extends Number> amounts) {
    JsonObject json = new JsonObject();
    amounts.forEach(json::put);
    return json;
  }

  private void publishReport() {
    ResourceReport report = scheduler.report();
    long now = TimeUnit.NANOSECONDS.toMillis(time.nanoseconds());
    if (report.equals(lastReport) && now - lastReportAtMs < REPORT_EVERY_MS) {
      return;
    }
    lastReport = report;
    lastReportAtMs = now;
    vertx.eventBus().publish(SchedulerMessages.RESOURCES_ADDRESS, report);
  }

  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (body instanceof TaskReleased released) {
      scheduler.release(released.taskId());
    } else if (body instanceof TaskBlocked blocked) {
      scheduler.blocked(blocked.taskId(), blocked.blocked());
    } else if (body instanceof BundlePrepare p) {
      message.reply(scheduler.prepareBundle(p.group(), p.index(), ResourceSet.of(p.resources())));
    } else if (body instanceof BundleCommit c) {
      message.reply(scheduler.commitBundle(c.group(), c.index()));
    } else if (body instanceof BundleReturn r) {
      scheduler.returnBundle(r.group(), r.index());
      message.reply(true);
    } else if (body instanceof StateRequest) {
      message.reply(scheduler.state());
    } else {
      LOG.warn("scheduler " + scheduler.nodeId() + " ignores unknown message " + body);
    }
  }
}
