package dev.jray.scheduler;

import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.scheduler.SchedulerMessages.SchedulerState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A node's resource accounting and task queue. A task runs only once its resources are
 * reserved and gives them back when it ends; a task that asks more than the node has in total
 * waits as infeasible (reported in {@link #state()}), it never runs short.
 *
 * <p>Thread-safe (one lock, never held while calling out). It is called directly on the node's
 * hot path, as a raylet's worker lease is reused: a submitting thread whose task fits starts it
 * at once, and a worker that finishes a task takes the next one itself, so a task costs no
 * event-loop hop and no extra thread wake-up. Tasks that become runnable otherwise (resources
 * freed by a blocked task, say) go to the dispatcher.
 */
public final class ResourceScheduler {
  private static final Logger LOG = Logger.getLogger(ResourceScheduler.class.getName());

  private final UniqueId nodeId;
  private final ResourceSet total;
  private final Consumer<TaskSpec> dispatcher;
  private ResourceSet available;
  /** Waiting tasks by resource shape, each queue in arrival order. */
  private final Map<ResourceSet, ArrayDeque<TaskSpec>> queues = new LinkedHashMap<>();
  private final List<TaskSpec> infeasible = new ArrayList<>();
  private final Map<TaskId, ResourceSet> held = new HashMap<>();
  private final Map<TaskId, ResourceSet> lent = new HashMap<>();

  /**
   * @param dispatcher starts a task whose resources are reserved on some worker thread; must not
   *     block
   */
  public ResourceScheduler(UniqueId nodeId, ResourceSet total, Consumer<TaskSpec> dispatcher) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.total = Objects.requireNonNull(total, "total");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.available = total;
  }

  public UniqueId nodeId() {
    return nodeId;
  }

  public ResourceSet total() {
    return total;
  }

  /**
   * Queues a task, or reserves its resources at once.
   *
   * @return the task if the caller must start it now (its resources are reserved), else null
   */
  public TaskSpec submit(TaskSpec spec) {
    synchronized (this) {
      if (!spec.resources().fitsIn(total)) {
        infeasible.add(spec);
      } else if (queues.isEmpty() && spec.resources().fitsIn(available)) {
        reserve(spec);
        return spec;
      } else {
        queues.computeIfAbsent(spec.resources(), k -> new ArrayDeque<>()).add(spec);
        return null;
      }
    }
    LOG.warning("task " + spec + " requests " + spec.resources() + " but node " + nodeId
        + " has " + total + " in total: it stays pending until a node that fits joins");
    return null;
  }

  /** Queues a task and starts it through the dispatcher when it fits. */
  public void submitAndDispatch(TaskSpec spec) {
    TaskSpec now = submit(spec);
    if (now != null) {
      dispatcher.accept(now);
    }
  }

  /**
   * The task (or the actor it created) ended: gives its resources back.
   *
   * @return a task whose resources are now reserved, for the calling worker to run next; null
   *     if none fits (other runnable tasks went to the dispatcher)
   */
  public TaskSpec releaseAndNext(TaskId taskId) {
    List<TaskSpec> runnable;
    synchronized (this) {
      ResourceSet r = held.remove(taskId);
      lent.remove(taskId); // a task that ends while blocked already gave its CPU back
      if (r != null) {
        available = available.plus(r);
      }
      runnable = takeRunnable();
    }
    return handOut(runnable, true);
  }

  /** Gives the resources back; runnable tasks go to the dispatcher. */
  public void release(TaskId taskId) {
    TaskSpec next = releaseAndNext(taskId);
    if (next != null) {
      dispatcher.accept(next);
    }
  }

  /**
   * The task blocked in {@code get}/{@code wait} (lend its CPU, so tasks waiting on their own
   * subtasks cannot starve the node) or resumed (take it back, even if that oversubscribes for
   * a while, as Ray does).
   */
  public void blocked(TaskId taskId, boolean blocked) {
    List<TaskSpec> runnable = List.of();
    synchronized (this) {
      ResourceSet r = held.get(taskId);
      if (r == null) {
        return;
      }
      if (blocked) {
        ResourceSet cpu = r.only(ResourceSet.CPU);
        if (cpu.isEmpty() || lent.containsKey(taskId)) {
          return;
        }
        lent.put(taskId, cpu);
        held.put(taskId, r.minus(cpu));
        available = available.plus(cpu);
        runnable = takeRunnable();
      } else {
        ResourceSet cpu = lent.remove(taskId);
        if (cpu != null) {
          held.put(taskId, r.plus(cpu));
          available = available.minus(cpu);
        }
      }
    }
    handOut(runnable, false);
  }

  private TaskSpec handOut(List<TaskSpec> runnable, boolean keepFirst) {
    if (runnable.isEmpty()) {
      return null;
    }
    for (int i = keepFirst ? 1 : 0; i < runnable.size(); i++) {
      dispatcher.accept(runnable.get(i));
    }
    return keepFirst ? runnable.get(0) : null;
  }

  private void reserve(TaskSpec spec) {
    available = available.minus(spec.resources());
    held.put(spec.taskId(), spec.resources());
  }

  /** Reserves every queued task that fits, in arrival order per shape. Holds the lock. */
  private List<TaskSpec> takeRunnable() {
    if (queues.isEmpty()) {
      return List.of();
    }
    List<TaskSpec> runnable = new ArrayList<>(2);
    Iterator<Map.Entry<ResourceSet, ArrayDeque<TaskSpec>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ResourceSet, ArrayDeque<TaskSpec>> e = it.next();
      ArrayDeque<TaskSpec> queue = e.getValue();
      while (!queue.isEmpty() && e.getKey().fitsIn(available)) {
        TaskSpec spec = queue.poll();
        reserve(spec);
        runnable.add(spec);
      }
      if (queue.isEmpty()) {
        it.remove();
      }
    }
    return runnable;
  }

  /** Resources, demands by shape (infeasible ones included), and how many tasks hold resources. */
  public synchronized SchedulerState state() {
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
