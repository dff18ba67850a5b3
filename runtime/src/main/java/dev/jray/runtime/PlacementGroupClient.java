package dev.jray.runtime;

import dev.jray.api.exception.RayException;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.placement.PlacementMessages;
import dev.jray.placement.PlacementMessages.EndGroupWork;
import dev.jray.placement.PlacementMessages.GroupChanged;
import dev.jray.resources.BundleResources;
import dev.jray.resources.ResourceSet;
import dev.jray.api.exception.RayActorException;
import dev.jray.api.exception.RayTaskException;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.time.Time;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of placement groups: creates them (the GCS record, then a request to the
 * active placement service), reads them from the GCS, waits for them, removes them, and turns a
 * task's placement-group option into the bundle resources it asks for. It also hears every
 * group's state change: waiters wake up, and on a removal this node fails the work of the group
 * that it queues or runs.
 *
 * <p>Threading: thread-safe; the waiters are in a concurrent map of concurrent lists. Calls
 * block on the GCS: not on an event loop; change notices arrive on the event loop, and a
 * removal's clean-up moves to a worker thread. Waits are timed on the injected {@link Time}.
 */
final class PlacementGroupClient {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementGroupClient.class);
  private static final long REMOVE_TIMEOUT_MS = 60_000;
  /** A removal's first answer wait; doubled per try, as a node holding bundles may take 10 s. */
  private static final long FIRST_REMOVE_ATTEMPT_MS = 2_000;
  private static final long MAX_REMOVE_ATTEMPT_MS = 16_000;
  private static final long REMOVE_RETRY_PAUSE_MS = 250;
  /** How often a wait for a group reads its state though no change notice came. */
  private static final long STATE_POLL_MS = 1_000;

  private final Vertx vertx;
  private final Gcs gcs;
  private final UniqueId nodeId;
  private final TaskExecutor tasks;
  private final HostedActors hosted;
  private final ActorDirectory directory;
  private final Time time;
  /** Callers waiting for a group's next change, by group; concurrent lists. */
  private final Map<PlacementGroupId, List<CompletableFuture<PlacementGroupState>>> waiters =
      new ConcurrentHashMap<>();
  private final MessageConsumer<GroupChanged> consumer;
  /** The creation time given to the last group made here (see {@link #nextCreatedAtMs}). */
  private final AtomicLong lastCreatedAtMs = new AtomicLong();
  private final MessageConsumer<EndGroupWork> endWorkConsumer;

  PlacementGroupClient(Vertx vertx, Gcs gcs, UniqueId nodeId, TaskExecutor tasks,
      HostedActors hosted, ActorDirectory directory, Time time) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.gcs = Objects.requireNonNull(gcs, "gcs");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.time = Objects.requireNonNull(time, "time");
    this.consumer = vertx.eventBus().consumer(PlacementMessages.CHANGED_ADDRESS,
        m -> onChanged(m.body()));
    this.endWorkConsumer = vertx.eventBus().consumer(PlacementMessages.nodeAddress(nodeId),
        m -> endWork(m.body().id()).onComplete(ar -> m.reply(tasks.scheduler().report())));
  }

  void close() {
    consumer.unregister();
    endWorkConsumer.unregister();
  }

  /**
   * Records the group as PENDING and asks for it to be placed; returns at once.
   *
   * @throws IllegalArgumentException if its name is taken in the namespace
   */
  PlacementGroup create(PlacementGroupCreationOptions options, JobId job, String jobNamespace) {
    String namespace = options.namespace != null ? options.namespace : jobNamespace;
    String name = options.name == null || options.name.isEmpty() ? null : options.name;
    PlacementGroupId id = IdFactory.newPlacementGroupId(job);
    if (name != null) {
      PlacementGroupId taken = gcs.placementGroupNames().putIfAbsent(Gcs.actorNameKey(namespace, name), id);
      if (taken != null) {
        throw new IllegalArgumentException("a placement group named '" + name
            + "' already exists in namespace '" + namespace + "' (" + taken + ")");
      }
    }
    PlacementGroupRecord record = PlacementGroupRecord.pending(id, name, namespace, job,
        options.bundles, options.strategy, nextCreatedAtMs(), options.minBundles,
        options.isDetached());
    gcs.placementGroups().put(id, record);
    vertx.eventBus().send(PlacementMessages.ADDRESS, new PlacementMessages.Place(record));
    return new PlacementGroupImpl(record);
  }

  /**
   * The creation time of a group made here: the clock's ms, but above the last one, so groups a
   * JVM makes in one millisecond are still placed in the order it made them.
   */
  private long nextCreatedAtMs() {
    long now = time.milliseconds();
    return lastCreatedAtMs.updateAndGet(last -> Math.max(last + 1, now));
  }

  /** @return the group, or null if none has this id */
  PlacementGroup get(PlacementGroupId id) {
    PlacementGroupRecord r = gcs.placementGroups().get(id);
    return r == null ? null : new PlacementGroupImpl(r);
  }

  /** @return the live group of that name in the namespace, or null */
  PlacementGroup get(String name, String namespace) {
    PlacementGroupId id = gcs.placementGroupNames().get(Gcs.actorNameKey(namespace, name));
    return id == null ? null : get(id);
  }

  /** Every group the cluster knows, removed ones included (as Ray lists them). */
  List<PlacementGroup> getAll() {
    return gcs.placementGroups().snapshot().values().stream()
        .sorted(java.util.Comparator.comparingLong(PlacementGroupRecord::createdAtMs))
        .<PlacementGroup>map(PlacementGroupImpl::new).toList();
  }

  PlacementGroupState state(PlacementGroupId id) {
    PlacementGroupRecord r = gcs.placementGroups().get(id);
    return r == null ? PlacementGroupState.UNRECOGNIZED : r.state();
  }

  /** The bundles of the group reserved now (none if unknown or removed). Blocks on the GCS. */
  List<Integer> reservedBundleIndexes(PlacementGroupId id) {
    PlacementGroupRecord r = gcs.placementGroups().get(id);
    return r == null || r.isRemoved() ? List.of() : r.reservedBundleIndexes();
  }

  /**
   * Releases the group's reservations and ends its work; returns once the reservations are
   * released. Removing a removed group does nothing. The request is sent again while no answer
   * comes (the placement leader died and the next one takes over), up to {@value
   * #REMOVE_TIMEOUT_MS} ms; the active service removes a group once however often it is asked.
   *
   * @throws IllegalArgumentException if no group has this id
   * @throws RayException if no placement service removed it in time
   */
  void remove(PlacementGroupId id) {
    PlacementGroupRecord r = gcs.placementGroups().get(id);
    if (r == null) {
      throw new IllegalArgumentException("no placement group has id " + id);
    }
    long deadline = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(REMOVE_TIMEOUT_MS);
    long attemptMs = FIRST_REMOVE_ATTEMPT_MS;
    Throwable lastError = null;
    while (!r.isRemoved()) {
      long left = deadline - time.nanoseconds();
      if (left <= 0) {
        throw new RayException("could not remove placement group " + id + " within "
            + REMOVE_TIMEOUT_MS + " ms" + (lastError != null ? ": " + lastError.getMessage() : ""),
            lastError);
      }
      CompletableFuture<PlacementGroupState> change = new CompletableFuture<>();
      waiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(change);
      try {
        long attemptNanos = Math.min(left, TimeUnit.MILLISECONDS.toNanos(attemptMs));
        CompletableFuture<Object> reply = vertx.eventBus()
            .request(PlacementMessages.ADDRESS, new PlacementMessages.Remove(id),
                new DeliveryOptions().setSendTimeout(TimeUnit.NANOSECONDS.toMillis(attemptNanos) + 1))
            .<Object>map(m -> m.body()).toCompletionStage().toCompletableFuture();
        // the answer, or the removal published (an earlier request was served)
        TimedWait.await(CompletableFuture.anyOf(reply, change), attemptNanos, time);
        if (reply.isDone() && !reply.isCompletedExceptionally()) {
          return;
        }
        if (reply.isCompletedExceptionally()) {
          lastError = reply.handle((v, e) -> e).join();
          // no service to answer yet: wait for a change or a moment before asking again
          TimedWait.await(change, Math.min(deadline - time.nanoseconds(),
              TimeUnit.MILLISECONDS.toNanos(REMOVE_RETRY_PAUSE_MS)), time);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayException("interrupted while removing placement group " + id, e);
      } finally {
        forget(id, change);
      }
      attemptMs = Math.min(attemptMs * 2, MAX_REMOVE_ATTEMPT_MS);
      r = gcs.placementGroups().get(id);
    }
  }

  /**
   * The job ended: its groups are removed, as Ray removes a finished job's groups; detached ones
   * stay (removed only when asked).
   */
  void removeAllOf(JobId job) {
    for (PlacementGroupRecord r : gcs.placementGroups().snapshot().values()) {
      if (r.jobId().equals(job) && !r.isRemoved() && !r.detached()) {
        try {
          remove(r.id());
        } catch (RuntimeException e) {
          LOG.warn("removing placement group " + r.id() + " of finished job " + job, e);
        }
      }
    }
  }

  /**
   * @return true once the group is created, false if it is not within the timeout
   * @throws RayException if the group is removed
   */
  boolean waitCreated(PlacementGroupId id, int timeoutSeconds) {
    long deadline = time.nanoseconds() + TimeUnit.SECONDS.toNanos(Math.max(0, timeoutSeconds));
    while (true) {
      CompletableFuture<PlacementGroupState> change = new CompletableFuture<>();
      waiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(change);
      try {
        PlacementGroupRecord r = gcs.placementGroups().get(id);
        if (r == null) {
          throw new IllegalArgumentException("no placement group has id " + id);
        }
        if (r.state() == PlacementGroupState.CREATED) {
          return true;
        }
        if (r.isRemoved()) {
          throw new RayException("placement group " + (r.name() != null ? "'" + r.name() + "' " : "")
              + id + " was removed: it will never be created");
        }
        long left = deadline - time.nanoseconds();
        if (left <= 0) {
          return false;
        }
        // woken by the change notice; a notice can be lost (publishes are best-effort), so the
        // GCS is read again at least every STATE_POLL_MS
        TimedWait.await(change, Math.min(left, TimeUnit.MILLISECONDS.toNanos(STATE_POLL_MS)), time);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RayException("interrupted while waiting for placement group " + id, e);
      } finally {
        forget(id, change);
      }
    }
  }

  private void forget(PlacementGroupId id, CompletableFuture<PlacementGroupState> waiter) {
    List<CompletableFuture<PlacementGroupState>> list = waiters.get(id);
    if (list != null) {
      list.remove(waiter);
      if (list.isEmpty()) {
        waiters.remove(id, list);
      }
    }
  }

  /**
   * What a task or actor in the group asks of the scheduler instead of {@code resources}.
   *
   * @param bundleIndex a bundle, or -1 for any
   * @throws IllegalArgumentException if the request cannot fit in the bundle (or in any bundle)
   */
  static ResourceSet demand(PlacementGroup group, int bundleIndex, ResourceSet resources) {
    List<Map<String, Double>> bundles = group.getBundles();
    boolean fits = bundleIndex >= 0
        ? resources.fitsIn(ResourceSet.of(bundles.get(bundleIndex)))
        : bundles.stream().anyMatch(b -> resources.fitsIn(ResourceSet.of(b)));
    if (!fits) {
      throw new IllegalArgumentException("the request " + resources + " cannot fit in "
          + (bundleIndex >= 0 ? "bundle " + bundleIndex + " " + bundles.get(bundleIndex)
              : "any bundle " + bundles) + " of placement group " + group.getId());
    }
    return BundleResources.demand(group.getId(), bundleIndex, resources);
  }

  /** Whether this node holds anything of the group: bundles, queued work, actors, tasks. */
  boolean holdsAnyOf(PlacementGroupId group) {
    return tasks.scheduler().holdsAnyOf(group) || hosted.hostsAnyOf(group) || tasks.runsAnyOf(group);
  }

  /**
   * A placement group was removed: the work of the group queued on this node fails, its actors
   * here die for good, and its tasks running here fail at once (their threads are interrupted).
   * Blocks on the GCS: not on an event loop.
   */
  void onRemoved(PlacementGroupId group) {
    String why = "its placement group " + group + " was removed";
    for (TaskSpec spec : tasks.scheduler().removeGroup(group)) {
      if (spec.kind() == TaskKind.ACTOR_CREATION) {
        directory.markDead(spec.actor().actorId(), why, null);
        tasks.deliverError(spec, new RayActorException(spec.actor().actorId(), why, null));
      } else {
        tasks.deliverError(spec, new RayTaskException("task " + spec + " did not run: " + why, null));
      }
    }
    hosted.endGroup(group, why);
    tasks.endGroupTasks(group, why);
  }

  /** Called on the event loop: wakes waiters; a removal's clean-up blocks, so goes elsewhere. */
  private void onChanged(GroupChanged change) {
    List<CompletableFuture<PlacementGroupState>> list = waiters.get(change.id());
    if (list != null) {
      list.forEach(f -> f.complete(change.state()));
    }
    if (change.state() == PlacementGroupState.REMOVED && holdsAnyOf(change.id())) {
      endWork(change.id());
    }
  }

  /** Ends the group's work on this node (idempotent); blocks, so not on the event loop. */
  private io.vertx.core.Future<Void> endWork(PlacementGroupId id) {
    return vertx.executeBlocking(() -> {
      onRemoved(id);
      return null;
    }, false).<Void>mapEmpty().onFailure(e -> LOG.warn(
        "ending the work of removed placement group " + id, e));
  }
}
