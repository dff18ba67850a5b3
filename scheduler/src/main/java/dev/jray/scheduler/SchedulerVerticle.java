package dev.jray.scheduler;

import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.SchedulerMessages.StateRequest;
import dev.jray.scheduler.SchedulerMessages.TaskBlocked;
import dev.jray.scheduler.SchedulerMessages.TaskReleased;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A node's scheduler on the event bus, at {@link #address(UniqueId)}: takes {@link TaskSpec},
 * {@link TaskReleased}, {@link TaskBlocked} and {@link StateRequest} (replied with a {@link
 * SchedulerMessages.SchedulerState}) from anywhere in the cluster and applies them to the
 * node's {@link ResourceScheduler}. Code on the node itself calls the ResourceScheduler
 * directly. Handlers run on the event loop and never block.
 */
public final class SchedulerVerticle extends AbstractVerticle {
  private static final Logger LOG = Logger.getLogger(SchedulerVerticle.class.getName());

  private final ResourceScheduler scheduler;

  public SchedulerVerticle(ResourceScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  public static String address(UniqueId nodeId) {
    return "jray.node." + nodeId + ".scheduler";
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.eventBus().<Object>consumer(address(scheduler.nodeId()), this::onMessage)
        .completion().onComplete(started);
  }

  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (body instanceof TaskSpec spec) {
      scheduler.submitAndDispatch(spec);
    } else if (body instanceof TaskReleased released) {
      scheduler.release(released.taskId());
    } else if (body instanceof TaskBlocked blocked) {
      scheduler.blocked(blocked.taskId(), blocked.blocked());
    } else if (body instanceof StateRequest) {
      message.reply(scheduler.state());
    } else {
      LOG.warning("scheduler " + scheduler.nodeId() + " ignores unknown message " + body);
    }
  }
}
