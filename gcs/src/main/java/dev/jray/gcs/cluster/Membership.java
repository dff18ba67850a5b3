package dev.jray.gcs.cluster;

import dev.jray.api.id.UniqueId;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who is in the cluster, as a jray node sees it: which nodes leave, whether this member leads,
 * and the address others join it at. Hides the Hazelcast member behind it. The nodes are the
 * members and the attached processes hanging off them (a node record with a {@link
 * dev.jray.gcs.NodeRecord#host() host}: no Hazelcast member, its host speaks for it), which live
 * while their record is alive and their host is a member.
 *
 * <p>Threading: thread-safe. Listeners run on a Hazelcast event thread, one at a time, and must
 * not block long.
 */
public interface Membership {
  /** Stops a listener; idempotent. */
  interface Registration {
    void cancel();
  }

  /**
   * Calls {@code listener} with the node id of every member that leaves the cluster (crashed or
   * gone); members that jray did not configure (no node id) are not reported. Also with every
   * attached node that leaves, once: right after its host when the host leaves, when its record
   * is marked dead ({@link AttachedNodes#recordGone}) or removed while its host lives, or as soon
   * as it is recorded alive if its host has already left; never one this member did not see
   * recorded alive.
   */
  Registration onNodeLeft(Consumer<UniqueId> listener);

  /**
   * Calls {@code listener} whenever a member joins or leaves (any member, lite ones too), or an
   * attached node goes live or leaves.
   */
  Registration onMembersChanged(Runnable listener);

  /**
   * Calls {@code listener} when this member, split from the cluster (a network split, or a pause
   * past the failure detection), starts to merge back into it as a new member: the others removed
   * it, so the leader declared its node dead.
   */
  Registration onSplitOff(Runnable listener);

  /**
   * Whether this member is the leader: the oldest full (data-holding) member, which does the
   * GCS's bookkeeping and runs the active placement service. Lite members (drivers) never lead.
   */
  boolean isLeader();

  /** "host:port" of this member: for the head, the address others join. */
  String localAddress();

  /**
   * The node ids of the members in the cluster now (those jray configured), this one included,
   * and of the attached nodes live now (record alive, host among those members).
   */
  Set<UniqueId> liveNodes();

  /**
   * "host:port" of every full (data-holding) member now, oldest first: the members a process can
   * join through.
   */
  List<String> fullMemberAddresses();
}
