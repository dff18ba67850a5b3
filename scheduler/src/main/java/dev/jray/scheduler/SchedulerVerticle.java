package dev.jray.scheduler;

import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.SchedulerMessages.SchedulerState;
import dev.jray.scheduler.SchedulerMessages.StateRequest;
import dev.jray.scheduler.SchedulerMessages.TaskBlocked;
import dev.jray.scheduler.SchedulerMessages.TaskReleased;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * A node's scheduler: accounts its resources, queues tasks until their resources are free and
 * hands them to the node's worker pool. A task whose request exceeds the node's totals waits as
 * infeasible (reported in {@link SchedulerState}), it never runs short of resources.
 *
 * <p>All state is owned by the verticle's event loop; it is reached only through {@link
 * #address(UniqueId)}, which takes {@link TaskSpec}, {@link TaskReleased}, {@link TaskBlocked}
 * and {@link StateRequest} (replied with a {@link SchedulerState}).
 */
public final class SchedulerVerticle extends AbstractVerticle {
  private static final Logger LOG = Logger.getLogger(SchedulerVerticle.class.getName());

  private final UniqueId nodeId;
  private final ResourceSet total;
  private final String workerPoolAddress;
  private ResourceSet available;
  /** Waiting tasks by resource shape, each queue in arrival order. */
  private final Map<ResourceSet, ArrayDeque<TaskSpec>> queues = new LinkedHashMap<>();
  private final List<TaskSpec> infeasible = new ArrayList<>();
  private final Map<TaskId, ResourceSet> held = new HashMap<>();
  private final Map<TaskId, ResourceSet> lent = new HashMap<>();

  /**
   * @param total the node's resources
   * @param workerPoolAddress where tasks go once their resources are reserved
   */
  public SchedulerVerticle(UniqueId nodeId, ResourceSet total, String workerPoolAddress) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.total = Objects.requireNonNull(total, "total");
    this.workerPoolAddress = Objects.requireNonNull(workerPoolAddress, "workerPoolAddress");
    this.available = total;
  }

  public static String address(UniqueId nodeId) {
    return "jray.node." + nodeId + ".scheduler";
  }

  @Override
  public void start(Promise<Void> started) {
    vertx.eventBus().<Object>consumer(address(nodeId), this::onMessage)
        .completion().onComplete(started);
  }

  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (body instanceof TaskSpec spec) {
      submit(spec);
    } else if (body instanceof TaskReleased released) {
      release(released.taskId());
    } else if (body instanceof TaskBlocked blocked) {
      onBlocked(blocked);
    } else if (body instanceof StateRequest) {
      message.reply(state());
    } else {
      LOG.warning("scheduler " + nodeId + " ignores unknown message " + body);
    }
  }

  private void submit(TaskSpec spec) {
    if (!spec.resources().fitsIn(total)) {
      LOG.warning("task " + spec + " requests " + spec.resources() + " but node " + nodeId
          + " has " + total + " in total: it stays pending until a node that fits joins");
      infeasible.add(spec);
      return;
    }
    queues.computeIfAbsent(spec.resources(), k -> new ArrayDeque<>()).add(spec);
    dispatch();
  }

  private void dispatch() {
    Iterator<Map.Entry<ResourceSet, ArrayDeque<TaskSpec>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ResourceSet, ArrayDeque<TaskSpec>> e = it.next();
      ResourceSet shape = e.getKey();
      ArrayDeque<TaskSpec> queue = e.getValue();
      while (!queue.isEmpty() && shape.fitsIn(available)) {
        TaskSpec spec = queue.poll();
        available = available.minus(shape);
        held.put(spec.taskId(), shape);
        vertx.eventBus().send(workerPoolAddress, spec);
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
  }

  private void release(TaskId taskId) {
    ResourceSet r = held.remove(taskId);
    lent.remove(taskId); // a task that ends while blocked already gave its lent CPU back
    if (r != null) {
      available = available.plus(r);
      dispatch();
    }
  }

  private void onBlocked(TaskBlocked msg) {
    ResourceSet r = held.get(msg.taskId());
    if (r == null) {
      return;
    }
    if (msg.blocked()) {
      ResourceSet cpu = r.only(ResourceSet.CPU);
      if (cpu.isEmpty() || lent.containsKey(msg.taskId())) {
        return;
      }
      lent.put(msg.taskId(), cpu);
      held.put(msg.taskId(), r.minus(cpu));
      available = available.plus(cpu);
      dispatch();
    } else {
      ResourceSet cpu = lent.remove(msg.taskId());
      if (cpu != null) {
        held.put(msg.taskId(), r.plus(cpu));
        available = available.minus(cpu);
      }
    }
  }

  private SchedulerState state() {
    Map<String, Integer> demands = new TreeMap<>();
    queues.values().forEach(q -> q.forEach(t -> demands.merge(t.demandShape(), 1, Integer::sum)));
    Map<String, Integer> infeasibleShapes = new TreeMap<>();
    infeasible.forEach(t -> {
      demands.merge(t.demandShape(), 1, Integer::sum);
      infeasibleShapes.merge(t.demandShape(), 1, Integer::sum);
    });
    return new SchedulerState(total.toMap(), available.toMap(), demands, infeasibleShapes,
        held.size());
  }
}
