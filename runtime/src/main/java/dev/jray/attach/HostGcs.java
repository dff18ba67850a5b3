package dev.jray.attach;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages.GcsChanged;
import dev.jray.attach.AttachMessages.GcsJobId;
import dev.jray.attach.AttachMessages.GcsNextJobId;
import dev.jray.attach.AttachMessages.GcsSubscribe;
import dev.jray.attach.AttachMessages.GcsUnsubscribe;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attached process's {@link Gcs}: every table operation is a request to its host node over the
 * {@link HostChannel}, which answers it against its own GCS ({@link AttachRelay}). As with
 * Hazelcast's maps, callers block until the answer comes, at most the timeout: a call that fails
 * or times out throws a {@link HostCallException} naming the table and operation. Keys and values
 * travel as {@link GcsValueCodec} bytes.
 *
 * <p>{@code update} reads the value, applies the operator here and asks the host to replace the
 * value only if it is still the one read, retrying a bounded number of times ({@link
 * HostGcsTable#MAX_UPDATE_ATTEMPTS}): the operator may run more than once, so it must not have
 * effects beyond its result. {@code listen} subscribes at the host, which pushes the table's
 * changes; listeners run on {@link HostPushes}' listener thread, in the order the host saw the
 * changes.
 *
 * <p>Threading: thread-safe; every method but {@link #close} blocks on the host (never call them on
 * an event loop or the link's reader thread). The subscriptions map is shared: {@link
 * #subscribe} and the closers write it, the listener thread reads it.
 */
public final class HostGcs implements Gcs {
  private static final Logger LOG = LoggerFactory.getLogger(HostGcs.class);

  private final HostCalls calls;
  private final Time time;
  private final GcsTable<UniqueId, NodeRecord> nodes;
  private final GcsTable<JobId, JobRecord> jobs;
  private final GcsTable<ActorId, ActorRecord> actors;
  private final GcsTable<String, ActorId> actorNames;
  private final GcsTable<PlacementGroupId, PlacementGroupRecord> placementGroups;
  private final GcsTable<String, PlacementGroupId> placementGroupNames;
  private final GcsTable<String, byte[]> kv;
  /** Ids this process gives its subscriptions, unique among them. */
  private final AtomicLong nextSubscription = new AtomicLong();
  /** What each live subscription's changes go to, by id; run on the listener thread. */
  private final ConcurrentHashMap<Long, Consumer<GcsChanged>> subscriptions =
      new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param channel the link to the host; its requests and sends reach the host in the order made
   * @param pushes the process's pushes from the host: table changes come through it
   * @param timeout how long each request waits for the host's answer
   * @param time the clock of the timeouts (and of {@code update}'s back-off)
   * @throws IllegalStateException if {@code pushes} serves another {@code HostGcs} already
   */
  public HostGcs(HostChannel channel, HostPushes pushes, Duration timeout, Time time) {
    this.calls = new HostCalls(channel, timeout, time);
    this.time = time;
    this.nodes = new HostGcsTable<>(this, GcsTableName.NODES, UniqueId.class, NodeRecord.class);
    this.jobs = new HostGcsTable<>(this, GcsTableName.JOBS, JobId.class, JobRecord.class);
    this.actors = new HostGcsTable<>(this, GcsTableName.ACTORS, ActorId.class, ActorRecord.class);
    this.actorNames = new HostGcsTable<>(this, GcsTableName.ACTOR_NAMES, String.class,
        ActorId.class);
    this.placementGroups = new HostGcsTable<>(this, GcsTableName.PLACEMENT_GROUPS,
        PlacementGroupId.class, PlacementGroupRecord.class);
    this.placementGroupNames = new HostGcsTable<>(this, GcsTableName.PLACEMENT_GROUP_NAMES,
        String.class, PlacementGroupId.class);
    this.kv = new HostGcsTable<>(this, GcsTableName.KV, String.class, byte[].class);
    pushes.handle(GcsChanged.class, this::onChanged);
  }

  @Override
  public GcsTable<UniqueId, NodeRecord> nodes() {
    return nodes;
  }

  @Override
  public GcsTable<JobId, JobRecord> jobs() {
    return jobs;
  }

  @Override
  public GcsTable<ActorId, ActorRecord> actors() {
    return actors;
  }

  @Override
  public GcsTable<String, ActorId> actorNames() {
    return actorNames;
  }

  @Override
  public GcsTable<PlacementGroupId, PlacementGroupRecord> placementGroups() {
    return placementGroups;
  }

  @Override
  public GcsTable<String, PlacementGroupId> placementGroupNames() {
    return placementGroupNames;
  }

  @Override
  public GcsTable<String, byte[]> kv() {
    return kv;
  }

  /** @throws HostCallException if the host did not give one */
  @Override
  public JobId nextJobId() {
    JobId id = calls.call("GCS nextJobId", new GcsNextJobId(), GcsJobId.class).jobId();
    if (id == null) {
      throw new HostCallException("GCS nextJobId was answered without a job id");
    }
    return id;
  }

  /** Ends every subscription (the host stops pushing); the channel stays open. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Long id : new ArrayList<>(subscriptions.keySet())) {
      unsubscribe(id);
    }
  }

  <T> T call(String what, Object request, Class<T> replyType) {
    return calls.call(what, request, replyType);
  }

  Time time() {
    return time;
  }

  /**
   * Subscribes at the host to {@code table}'s changes, which go to {@code onChange} on the listener
   * thread from now on (perhaps a few from just before, as the host's pushes may overtake its
   * answer). Blocks until the host answers.
   *
   * @return ends the subscription; idempotent, never blocks
   * @throws HostCallException if the host refused it or did not answer
   * @throws IllegalStateException if this GCS is closed
   */
  AutoCloseable subscribe(GcsTableName table, Consumer<GcsChanged> onChange) {
    long id = nextSubscription.incrementAndGet();
    subscriptions.put(id, onChange);
    if (closed) { // after the put: close() either sees it or this sees closed
      subscriptions.remove(id);
      throw new IllegalStateException("this GCS is closed: no listening to " + table.label());
    }
    try {
      call("GCS " + table.label() + ".listen", new GcsSubscribe(id, table),
          AttachMessages.Ack.class);
    } catch (HostCallException e) {
      unsubscribe(id); // the host may have taken it after all
      throw e;
    }
    return () -> unsubscribe(id);
  }

  private void unsubscribe(long id) {
    if (subscriptions.remove(id) == null) {
      return;
    }
    try {
      calls.channel().send(new GcsUnsubscribe(id));
    } catch (RuntimeException e) {
      LOG.debug("could not tell the host to end subscription {}: {}", id, e.toString());
    }
  }

  /** A change the host pushed; on the listener thread. */
  private void onChanged(GcsChanged change) {
    Consumer<GcsChanged> to = subscriptions.get(change.subscription());
    if (to != null) {
      to.accept(change);
    }
  }

  /** Live subscriptions, for tests. */
  int subscriptionCount() {
    return subscriptions.size();
  }
}
