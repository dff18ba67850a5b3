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
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A node's scheduler on the event bus, at {@link #address(UniqueId)}: takes {@link
 * TaskReleased}, {@link TaskBlocked}, placement-group bundle reservations ({@link BundlePrepare},
 * {@link BundleCommit}, {@link BundleReturn}) and {@link StateRequest} (replied with a {@link
 * SchedulerMessages.SchedulerState}) from anywhere in the cluster and applies them to the node's
 * {@link ResourceScheduler}. Code on the node itself calls the ResourceScheduler directly; tasks
 * from other nodes arrive over the node's direct links. It also publishes the node's {@link
 * SchedulerMessages.ResourceReport} (when it changes, and every second) and feeds the others'
 * into the node's {@link ClusterView}. Handlers run on the event loop and never block.
 */
public final class SchedulerVerticle extends AbstractVerticle {
  private static final Logger LOG = Logger.getLogger(SchedulerVerticle.class.getName());

  private static final long REPORT_CHECK_MS = 100;
  private static final long REPORT_EVERY_MS = 1000;

  private final ResourceScheduler scheduler;
  private final ClusterView view;
  private final boolean publishReports;
  private ResourceReport lastReport;
  private long lastReportAtMs;

  /** A scheduler alone (embedded): no reports. */
  public SchedulerVerticle(ResourceScheduler scheduler) {
    this(scheduler, null, false);
  }

  /**
   * @param view where the other nodes' reports go; null to ignore them
   * @param publishReports whether this node offers its resources to the others
   */
  public SchedulerVerticle(ResourceScheduler scheduler, ClusterView view, boolean publishReports) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.view = view;
    this.publishReports = publishReports;
  }

  public static String address(UniqueId nodeId) {
    return "jray.node." + nodeId + ".scheduler";
  }

  @Override
  public void start(Promise<Void> started) {
    Future<Void> reports = Future.succeededFuture();
    if (view != null) {
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
    Future.all(reports, requests, vertx.eventBus().<Object>consumer(address(scheduler.nodeId()),
        this::onMessage).completion()).<Void>compose(all -> {
          if (view != null) {
            // subscribed: ask the others for their reports now rather than within a second
            vertx.eventBus().publish(SchedulerMessages.REPORT_REQUEST_ADDRESS, "");
          }
          return Future.succeededFuture();
        }).onComplete(started);
  }

  private void publishReport() {
    ResourceReport report = scheduler.report();
    long now = System.currentTimeMillis();
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
      LOG.warning("scheduler " + scheduler.nodeId() + " ignores unknown message " + body);
    }
  }
}
