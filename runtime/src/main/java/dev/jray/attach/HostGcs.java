package dev.jray.attach;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages.GcsChanged;
import dev.jray.attach.AttachMessages.GcsJobId;
import dev.jray.attach.AttachMessages.GcsNextJobId;
import dev.jray.attach.AttachMessages.GcsPut;
import dev.jray.attach.AttachMessages.GcsPutIfAbsent;
import dev.jray.attach.AttachMessages.GcsPutStaged;
import dev.jray.attach.AttachMessages.GcsSnapshot;
import dev.jray.attach.AttachMessages.GcsStagePart;
import dev.jray.attach.AttachMessages.GcsStaged;
import dev.jray.attach.AttachMessages.GcsStagedPart;
import dev.jray.attach.AttachMessages.GcsSubscribe;
import dev.jray.attach.AttachMessages.GcsUnsubscribe;
import dev.jray.attach.AttachMessages.GcsValue;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
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
  /** Ids of the values this process stages at the host. */
  private final AtomicLong nextStage = new AtomicLong();
  /** Each live subscription's table and what its changes go to, by id. */
  private final ConcurrentHashMap<Long, Subscription> subscriptions = new ConcurrentHashMap<>();
  /** The pushes' listener thread, on which changes reach the subscriptions. */
  private final HostPushes pushes;

  /** A table listened to; {@code onChange} runs on the listener thread. */
  private record Subscription(GcsTableName table, Consumer<GcsChanged> onChange) {}
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
    this.pushes = pushes;
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

  /**
   * The process moved to a new host (its channel leads there now): each subscription is made again
   * there, then, on the listener thread, each subscribed table's present entries are delivered as
   * changes, standing for the changes made while the process had no host (a key removed meanwhile
   * is not told). Blocks on the new host.
   *
   * @throws HostCallException if the new host refused a subscription or did not answer
   */
  public void moved() {
    for (Map.Entry<Long, Subscription> e : subscriptions.entrySet()) {
      call("GCS " + e.getValue().table().label() + ".listen (again, at the new host)",
          new GcsSubscribe(e.getKey(), e.getValue().table()), AttachMessages.Ack.class);
    }
    pushes.runOnListenerThread(() -> {
      Set<GcsTableName> tables = EnumSet.noneOf(GcsTableName.class);
      subscriptions.values().forEach(sub -> tables.add(sub.table()));
      for (GcsTableName table : tables) {
        String what = "GCS " + table.label() + ".snapshot (after a move)";
        Map<?, ?> entries = GcsValueCodec.decode(call(what, new GcsSnapshot(table),
            GcsValue.class).value(), Map.class, what);
        for (Map.Entry<?, ?> entry : entries == null ? Map.of().entrySet() : entries.entrySet()) {
          byte[] key = GcsValueCodec.encode(entry.getKey());
          byte[] value = GcsValueCodec.encode(entry.getValue());
          subscriptions.forEach((id, sub) -> {
            if (sub.table() == table) {
              sub.onChange().accept(new GcsChanged(id, key, value));
            }
          });
        }
      }
    });
  }

  /** Ends every subscription (the host stops pushing); the channel stays open. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Long id : new ArrayList<>(subscriptions.keySet())) {
      unsubscribe(id);
    }
  }

  /**
   * A call to the host; a value bigger than a frame goes in parts either way ({@link
   * StagedBytes}): a put's is staged first, a {@link GcsValue} answer read part by part.
   */
  <T> T call(String what, Object request, Class<T> replyType) {
    Object sent = request;
    if (request instanceof GcsPut p && tooBig(p.value())) {
      sent = new GcsPutStaged(p.table(), p.key(), stage(what, p.value()), false);
    } else if (request instanceof GcsPutIfAbsent p && tooBig(p.value())) {
      sent = new GcsPutStaged(p.table(), p.key(), stage(what, p.value()), true);
    }
    boolean putIfAbsent = sent instanceof GcsPutStaged staged && staged.ifAbsent();
    if (replyType != GcsValue.class || sent instanceof GcsPutStaged && !putIfAbsent) {
      return calls.call(what, sent, replyType);
    }
    Object reply = calls.call(what, sent, Object.class);
    if (reply instanceof GcsStaged staged) {
      return replyType.cast(new GcsValue(readStaged(what, staged)));
    }
    if (!(reply instanceof GcsValue)) {
      throw new HostCallException(what + " was answered with a "
          + (reply == null ? "null" : reply.getClass().getName()) + ", not a GcsValue");
    }
    return replyType.cast(reply);
  }

  private static boolean tooBig(byte[] value) {
    return value != null && value.length > StagedBytes.PART_BYTES;
  }

  /** Sends {@code value} to the host in parts; @return its stage id there. */
  private long stage(String what, byte[] value) {
    long id = nextStage.incrementAndGet();
    for (int offset = 0; offset < value.length; offset += StagedBytes.PART_BYTES) {
      byte[] part = Arrays.copyOfRange(value, offset,
          Math.min(value.length, offset + StagedBytes.PART_BYTES));
      calls.call(what + " (its value's part at " + offset + " of " + value.length + ")",
          new GcsStagePart(id, offset, value.length, part), AttachMessages.Ack.class);
    }
    return id;
  }

  /** Reads a value the host staged, part by part. */
  private byte[] readStaged(String what, GcsStaged staged) {
    if (staged.length() <= 0 || staged.length() > StagedBytes.MAX_BYTES) {
      throw new HostCallException(what + ": the host staged " + staged.length() + " bytes, more"
          + " than the " + StagedBytes.MAX_BYTES + " a value may hold");
    }
    byte[] value = new byte[(int) staged.length()];
    int offset = 0;
    while (offset < value.length) {
      byte[] part = calls.call(what + " (its value's part at " + offset + ")",
          new GcsStagedPart(staged.stage(), offset), GcsValue.class).value();
      if (part == null || part.length == 0 || part.length > value.length - offset) {
        throw new HostCallException(what + ": the host sent a part of "
            + (part == null ? 0 : part.length) + " bytes at " + offset + " of " + value.length);
      }
      System.arraycopy(part, 0, value, offset, part.length);
      offset += part.length;
    }
    return value;
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
    subscriptions.put(id, new Subscription(table, onChange));
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
    Subscription to = subscriptions.get(change.subscription());
    if (to != null) {
      to.onChange().accept(change);
    }
  }

  /** Live subscriptions, for tests. */
  int subscriptionCount() {
    return subscriptions.size();
  }
}
