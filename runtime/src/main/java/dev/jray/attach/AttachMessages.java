package dev.jray.attach;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * What an attached process and its host node say to each other about the GCS and membership, over
 * the node link. Keys and values travel as {@link GcsValueCodec} bytes (Java serialization, read
 * back under the GCS's allow-list), as Hazelcast ships them between members; a null {@code byte[]}
 * is no value.
 *
 * <p>Requests (process to host) are answered with the reply type their Javadoc names; {@link
 * GcsUnsubscribe} is one-way. Pushes (host to process) are one-way, in the order the host saw them.
 */
public final class AttachMessages {
  private AttachMessages() {}

  /** Every message and reply type, for the link's message registry. */
  public static List<Class<?>> types() {
    return List.of(GcsGet.class, GcsContainsKey.class, GcsPut.class, GcsPutIfAbsent.class,
        GcsRemove.class, GcsCompareAndSet.class, GcsKeys.class, GcsSnapshot.class,
        GcsNextJobId.class, GcsSubscribe.class, GcsUnsubscribe.class, MembershipQuery.class,
        GcsValue.class, GcsCasResult.class, GcsJobId.class, Ack.class, MembershipView.class,
        GcsChanged.class, NodeLeft.class, MembersChanged.class, GcsStagePart.class,
        GcsPutStaged.class, GcsStagedPart.class, GcsStaged.class, Heartbeat.class);
  }

  /** A message a process sends its host (a request, or the one-way {@link GcsUnsubscribe}). */
  public sealed interface ToHost permits TableCall, GcsNextJobId, GcsSubscribe, GcsUnsubscribe,
      MembershipQuery, GcsStagePart, GcsStagedPart {}

  /** A call on one table of the host's GCS. */
  public sealed interface TableCall extends ToHost permits GcsGet, GcsContainsKey, GcsPut,
      GcsPutIfAbsent, GcsRemove, GcsCompareAndSet, GcsKeys, GcsSnapshot, GcsPutStaged {
    GcsTableName table();
  }

  /** A message a host pushes to its attached processes. */
  public sealed interface ToProcess permits GcsChanged, NodeLeft, MembersChanged {}

  // ---- requests: process to host

  /** {@code table.get(key)}; answered with a {@link GcsValue}. */
  public record GcsGet(GcsTableName table, byte[] key) implements TableCall, Serializable {}

  /** {@code table.containsKey(key)}; answered with a {@code Boolean}. */
  public record GcsContainsKey(GcsTableName table, byte[] key) implements TableCall, Serializable {}

  /** {@code table.put(key, value)}; answered with an {@link Ack}. */
  public record GcsPut(GcsTableName table, byte[] key, byte[] value)
      implements TableCall, Serializable {}

  /** {@code table.putIfAbsent(key, value)}; answered with a {@link GcsValue}: the value present. */
  public record GcsPutIfAbsent(GcsTableName table, byte[] key, byte[] value)
      implements TableCall, Serializable {}

  /** {@code table.remove(key)}; answered with a {@link GcsValue}: the value removed. */
  public record GcsRemove(GcsTableName table, byte[] key) implements TableCall, Serializable {}

  /**
   * Replaces the key's value by {@code next} (removes it if null) only if the value now equals
   * {@code expected} (record equality, arrays by content); answered with a {@link GcsCasResult}.
   */
  public record GcsCompareAndSet(GcsTableName table, byte[] key, byte[] expected, byte[] next)
      implements TableCall, Serializable {}

  /** {@code table.keys()}; answered with a {@link GcsValue} holding a {@code HashSet}. */
  public record GcsKeys(GcsTableName table) implements TableCall, Serializable {}

  /** {@code table.snapshot()}; answered with a {@link GcsValue} holding a {@code HashMap}. */
  public record GcsSnapshot(GcsTableName table) implements TableCall, Serializable {}

  /** {@code gcs.nextJobId()}; answered with a {@link GcsJobId}. */
  public record GcsNextJobId() implements ToHost, Serializable {}

  /**
   * Starts pushing the table's changes to the process as {@link GcsChanged}s carrying {@code
   * subscription}, an id the process chose (unique among its subscriptions); answered with an
   * {@link Ack} once the host listens.
   */
  public record GcsSubscribe(long subscription, GcsTableName table)
      implements ToHost, Serializable {}

  /** Stops a subscription; one-way, and a no-op for an id the host does not hold. */
  public record GcsUnsubscribe(long subscription) implements ToHost, Serializable {}

  /** The host's membership now; answered with a {@link MembershipView}. */
  public record MembershipQuery() implements ToHost, Serializable {}

  // ---- replies

  /** A key's value (keys' or a snapshot's collection), or null bytes for none. */
  public record GcsValue(byte[] value) implements Serializable {}

  /** What a {@link GcsCompareAndSet} did. */
  public enum CasOutcome {
    /** The value was replaced (or removed). */
    SET,
    /** The value had changed: {@link GcsCasResult#current} holds it now. */
    CHANGED,
    /** The key has no value. */
    ABSENT
  }

  /** @param current the value now, when {@code outcome} is CHANGED; else null */
  public record GcsCasResult(CasOutcome outcome, byte[] current) implements Serializable {}

  /** A job id new in the cluster. */
  public record GcsJobId(JobId jobId) implements Serializable {}

  /** Done. */
  public record Ack() implements Serializable {}

  /**
   * @param liveNodes the node ids of the cluster's members now
   * @param fullMemberAddresses "host:port" of every full member, oldest first
   */
  public record MembershipView(Set<UniqueId> liveNodes, List<String> fullMemberAddresses)
      implements Serializable {}

  // ---- values too big for one link frame (code packages in the KV), in parts: StagedBytes

  /**
   * A part of a value the process stages at the host before a {@link GcsPutStaged}; answered with
   * an {@link Ack}.
   *
   * @param total the whole value's length, the same in every part
   */
  public record GcsStagePart(long stage, long offset, long total, byte[] part)
      implements ToHost, Serializable {}

  /**
   * {@code put} (or {@code putIfAbsent}) of the value staged as {@code stage}; answered as those
   * are.
   */
  public record GcsPutStaged(GcsTableName table, byte[] key, long stage, boolean ifAbsent)
      implements TableCall, Serializable {}

  /** A part of a value the host staged for the process; answered with a {@link GcsValue}. */
  public record GcsStagedPart(long stage, long offset) implements ToHost, Serializable {}

  /**
   * In place of a {@link GcsValue} too big for one frame: the value is staged at the host, to be
   * read in parts ({@link GcsStagedPart}).
   */
  public record GcsStaged(long stage, long length) implements Serializable {}

  /**
   * One-way, every {@link #HEARTBEAT_EVERY} from a process to its host: a process silent for the
   * cluster's failure detection is recorded gone, as a member that sends no heartbeat is.
   */
  public record Heartbeat() implements Serializable {}

  /** How often a process tells its host it lives. */
  public static final java.time.Duration HEARTBEAT_EVERY = java.time.Duration.ofSeconds(1);

  // ---- pushes: host to process

  /** A change of the subscribed table: the key and its new value (null: removed). */
  public record GcsChanged(long subscription, byte[] key, byte[] value)
      implements ToProcess, Serializable {}

  /** A member with a node id left the cluster. */
  public record NodeLeft(UniqueId node) implements ToProcess, Serializable {}

  /** A member joined or left the cluster. */
  public record MembersChanged() implements ToProcess, Serializable {}
}
