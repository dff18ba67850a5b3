package dev.jray.scheduler;

import dev.jray.resources.BundleResources;
import dev.jray.resources.ResourceSet;
import dev.jray.task.TaskSpec;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.time.Time;
import dev.jray.scheduler.NodeBundles.BundleKey;
import dev.jray.scheduler.SchedulerMessages.SchedulerState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(ResourceScheduler.class);
  /** A task queued here after this many forwards stays: fresher views cannot ping-pong it. */
  private static final int MAX_SPILL_HOPS = 2;

  private final UniqueId nodeId;
  /** Grows and shrinks as placement-group bundles are committed and returned. */
  private ResourceSet total;
  private final Consumer<TaskSpec> dispatcher;
  private final ClusterView view;
  private final BiConsumer<UniqueId, TaskSpec> forwarder;
  private final boolean runsTasks;
  private ResourceSet available;
  /** Waiting tasks by resource shape, each queue in arrival order. */
  private final Map<ResourceSet, ArrayDeque<TaskSpec>> queues = new LinkedHashMap<>();
  private final List<TaskSpec> infeasible = new ArrayList<>();
  private final Map<TaskId, ResourceSet> held = new HashMap<>();
  private final Map<TaskId, ResourceSet> lent = new HashMap<>();
  /** Bundles prepared (taken from available) or committed (usable under renamed resources). */
  private final NodeBundles bundles;
  /** Resources held for something other than a task (a job's entrypoint), by its name. */
  private final Map<String, ResourceSet> heldOutside = new HashMap<>();

  /** A scheduler of a node alone (embedded): nothing to forward to. */
  public ResourceScheduler(UniqueId nodeId, ResourceSet total, Consumer<TaskSpec> dispatcher) {
    this(nodeId, total, dispatcher, new ClusterView(System::currentTimeMillis, 0),
        (node, spec) -> {
          throw new IllegalStateException("no other node to forward " + spec + " to");
        }, true);
  }

  /**
   * @param dispatcher starts a task whose resources are reserved on some worker thread; must not
   *     block
   * @param view the other nodes' resources, to spill work to
   * @param forwarder sends a task to another node's scheduler; must not block
   * @param runsTasks false for a driver: it holds no resources and forwards everything
   */
  public ResourceScheduler(UniqueId nodeId, ResourceSet total, Consumer<TaskSpec> dispatcher,
      ClusterView view, BiConsumer<UniqueId, TaskSpec> forwarder, boolean runsTasks) {
    this(nodeId, total, dispatcher, view, forwarder, runsTasks, Time.SYSTEM);
  }

  /** As above, the prepared bundles' leases on {@code time}. */
  public ResourceScheduler(UniqueId nodeId, ResourceSet total, Consumer<TaskSpec> dispatcher,
      ClusterView view, BiConsumer<UniqueId, TaskSpec> forwarder, boolean runsTasks, Time time) {
    this.bundles = new NodeBundles(Objects.requireNonNull(time, "time"));
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.total = Objects.requireNonNull(total, "total");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.view = Objects.requireNonNull(view, "view");
    this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
    this.runsTasks = runsTasks;
    this.available = total;
  }

  public UniqueId nodeId() {
    return nodeId;
  }

  public synchronized ResourceSet total() {
    return total;
  }

  /** What is free now (may be negative for a while, see {@link #blocked}). */
  public synchronized ResourceSet available() {
    return available;
  }

  /**
   * Runs a task here while this node has room, else spills it to the node with the most room
   * (a task already forwarded stays unless this node cannot run it at all), else queues it;
   * a task no node can run waits as infeasible until one joins.
   *
   * @return the task if the caller must start it now (its resources are reserved), else null
   */
  public TaskSpec submit(TaskSpec spec) {
    ResourceSet shape = spec.resources();
    UniqueId target = null;
    synchronized (this) {
      boolean fitsHere = runsTasks && shape.fitsIn(total);
      // per shape, as Ray's scheduling classes: a queue of other shapes does not hold it up
      if (fitsHere && !queues.containsKey(shape) && shape.fitsIn(available)) {
        reserve(spec);
        return spec;
      }
      if (fitsHere) {
        target = spec.hops() == 0 ? view.reserveRoom(shape, nodeId).orElse(null) : null;
        if (target == null) {
          queues.computeIfAbsent(shape, k -> new ArrayDeque<>()).add(spec);
          return null;
        }
      } else {
        target = view.reserveRoom(shape, nodeId).or(() -> view.feasible(shape, nodeId)).orElse(null);
        if (target == null) {
          infeasible.add(spec);
        }
      }
    }
    if (target != null) {
      forwarder.accept(target, spec.forwarded());
    } else if (runsTasks && !BundleResources.inAnyGroup(shape)) {
      // (work in a placement group waits for it quietly: a pending group is normal)
      LOG.warn("task " + spec + " requests " + shape + " but no node has that much in total"
          + " (this node has " + total + "): it stays pending until a node that fits joins");
    }
    return null;
  }

  /**
   * The view of the other nodes changed: pending tasks that some node can now run go there,
   * and tasks queued here spill to nodes with room.
   */
  public void onViewChanged() {
    List<Map.Entry<UniqueId, TaskSpec>> moves = new ArrayList<>();
    synchronized (this) {
      for (Iterator<TaskSpec> it = infeasible.iterator(); it.hasNext(); ) {
        TaskSpec spec = it.next();
        UniqueId target = view.reserveRoom(spec.resources(), nodeId)
            .or(() -> view.feasible(spec.resources(), nodeId)).orElse(null);
        if (target != null) {
          it.remove();
          moves.add(Map.entry(target, spec));
        }
      }
      for (Iterator<Map.Entry<ResourceSet, ArrayDeque<TaskSpec>>> qs = queues.entrySet().iterator(); qs.hasNext(); ) {
        Map.Entry<ResourceSet, ArrayDeque<TaskSpec>> q = qs.next();
        for (Iterator<TaskSpec> it = q.getValue().iterator(); it.hasNext(); ) {
          TaskSpec spec = it.next();
          if (spec.hops() >= MAX_SPILL_HOPS) {
            continue;
          }
          UniqueId target = view.reserveRoom(q.getKey(), nodeId).orElse(null);
          if (target == null) {
            break;
          }
          it.remove();
          moves.add(Map.entry(target, spec));
        }
        if (q.getValue().isEmpty()) {
          qs.remove();
        }
      }
    }
    moves.forEach(m -> forwarder.accept(m.getKey(), m.getValue().forwarded()));
  }

  /** What this node reports to the others. */
  public synchronized SchedulerMessages.ResourceReport report() {
    SchedulerState s = state();
    int queued = queues.values().stream().mapToInt(ArrayDeque::size).sum();
    return new SchedulerMessages.ResourceReport(nodeId, s.total(), s.available(), queued, s.demands());
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

  /**
   * Holds {@code resources} for {@code holder}, something other than a task that runs on this
   * node (a job's entrypoint), until {@link #unhold}: taken from what is available, as a task's.
   *
   * @return false if they do not fit in what is available now, or the holder holds some already
   */
  public synchronized boolean hold(String holder, ResourceSet resources) {
    if (!runsTasks || heldOutside.containsKey(holder) || !resources.fitsIn(available)) {
      return false;
    }
    available = available.minus(resources);
    heldOutside.put(holder, resources);
    return true;
  }

  /** Gives back what {@code holder} held; tasks that now fit go to the dispatcher. Idempotent. */
  public void unhold(String holder) {
    List<TaskSpec> runnable;
    synchronized (this) {
      ResourceSet r = heldOutside.remove(holder);
      if (r == null) {
        return;
      }
      available = available.plus(r);
      runnable = takeRunnable();
    }
    handOut(runnable, false);
  }

  /**
   * Phase one of reserving a placement-group bundle: takes its resources from what is available,
   * so no other work or bundle can take them. Idempotent.
   *
   * @return false if this node cannot hold the bundle now (nothing is taken then)
   */
  public synchronized boolean prepareBundle(PlacementGroupId group, int index, ResourceSet bundle) {
    BundleKey key = new BundleKey(group, index);
    if (bundles.renewIfHeld(key)) {
      return true;
    }
    if (!runsTasks || !bundle.fitsIn(available)) {
      return false;
    }
    available = available.minus(bundle);
    bundles.prepare(key, bundle);
    return true;
  }

  /**
   * Returns the prepared bundles not committed within {@code lease} of their prepare: the
   * placement service that prepared them died (or lost them) between the two phases, and no one
   * else would ever return them. A commit that comes later fails, and the group is placed again.
   *
   * @return how many it returned
   */
  public int returnExpiredBundles(Duration lease) {
    List<BundleKey> expired;
    synchronized (this) {
      expired = bundles.expired(lease);
    }
    for (BundleKey key : expired) {
      LOG.info("returning bundle " + key.index() + " of placement group " + key.group()
          + ": prepared but not committed within " + lease.toMillis() + " ms");
      returnPrepared(key);
    }
    return expired.size();
  }

  /** Returns a bundle if it is still prepared (not committed meanwhile). */
  private void returnPrepared(BundleKey key) {
    List<TaskSpec> runnable;
    synchronized (this) {
      ResourceSet bundle = bundles.takePrepared(key);
      if (bundle == null) {
        return;
      }
      available = available.plus(bundle);
      runnable = takeRunnable();
    }
    handOut(runnable, false);
  }

  /**
   * Phase two: a prepared bundle becomes usable by work in its group, as renamed resources
   * (see {@link BundleResources}); work that was waiting for it starts.
   *
   * @return false if the bundle was not prepared here (aborted, or never prepared)
   */
  public boolean commitBundle(PlacementGroupId group, int index) {
    List<TaskSpec> runnable;
    synchronized (this) {
      BundleKey key = new BundleKey(group, index);
      ResourceSet bundle = bundles.takePrepared(key);
      if (bundle == null) {
        return bundles.isCommitted(key);
      }
      bundles.commit(key, bundle);
      ResourceSet renamed = BundleResources.committed(group, index, bundle);
      total = total.plus(renamed);
      available = available.plus(renamed);
      for (Iterator<TaskSpec> it = infeasible.iterator(); it.hasNext(); ) {
        TaskSpec spec = it.next();
        if (spec.resources().fitsIn(total)) {
          it.remove();
          queues.computeIfAbsent(spec.resources(), k -> new ArrayDeque<>()).add(spec);
        }
      }
      runnable = takeRunnable();
    }
    handOut(runnable, false);
    return true;
  }

  /**
   * Aborts a prepared bundle or returns a committed one: its resources are available again.
   * Work still holding the bundle's renamed resources keeps them until it ends (the group's
   * removal ends it). Idempotent.
   */
  public void returnBundle(PlacementGroupId group, int index) {
    List<TaskSpec> runnable;
    synchronized (this) {
      BundleKey key = new BundleKey(group, index);
      ResourceSet bundle = bundles.takePrepared(key);
      if (bundle == null) {
        bundle = bundles.takeCommitted(key);
        if (bundle == null) {
          return;
        }
        ResourceSet renamed = BundleResources.committed(group, index, bundle);
        total = total.minus(renamed);
        available = available.minus(renamed);
      }
      available = available.plus(bundle);
      runnable = takeRunnable();
    }
    handOut(runnable, false);
  }

  /** Whether this node holds bundles of the group or work waiting for them. */
  public synchronized boolean holdsAnyOf(PlacementGroupId group) {
    return !bundles.of(group).isEmpty()
        || infeasible.stream().anyMatch(t -> BundleResources.belongsTo(t.resources(), group))
        || queues.keySet().stream().anyMatch(shape -> BundleResources.belongsTo(shape, group));
  }

  /**
   * The group is removed: its bundles here are returned, and the work waiting for its resources
   * is taken out of the queues, for the caller to fail.
   */
  public List<TaskSpec> removeGroup(PlacementGroupId group) {
    List<BundleKey> held;
    List<TaskSpec> dropped = new ArrayList<>();
    synchronized (this) {
      held = bundles.of(group);
      for (Iterator<TaskSpec> it = infeasible.iterator(); it.hasNext(); ) {
        TaskSpec spec = it.next();
        if (BundleResources.belongsTo(spec.resources(), group)) {
          it.remove();
          dropped.add(spec);
        }
      }
      for (Iterator<Map.Entry<ResourceSet, ArrayDeque<TaskSpec>>> qs = queues.entrySet().iterator(); qs.hasNext(); ) {
        Map.Entry<ResourceSet, ArrayDeque<TaskSpec>> q = qs.next();
        if (BundleResources.belongsTo(q.getKey(), group)) {
          dropped.addAll(q.getValue());
          qs.remove();
        }
      }
    }
    held.forEach(k -> returnBundle(k.group(), k.index()));
    return dropped;
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
