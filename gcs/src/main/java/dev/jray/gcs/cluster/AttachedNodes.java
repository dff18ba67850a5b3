package dev.jray.gcs.cluster;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.NodeRecord;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a host writes about the attached processes it started (nodes whose {@link
 * NodeRecord#host()} names it), for every member's {@link Membership} to read: no Hazelcast event
 * tells the cluster that an attached process ended, its host does.
 *
 * <p>Stateless; blocks on the GCS: not on an event loop.
 */
public final class AttachedNodes {
  private AttachedNodes() {}

  /**
   * Records that the attached process {@code node} ended: its record is marked dead (kept, as a
   * member's death leaves its record, until the leader prunes the dead), so every member's {@link
   * Membership} reports it left and the leader restarts or buries its actors. Idempotent.
   *
   * @return whether this call marked it dead (false if it was dead already or has no record)
   * @throws IllegalArgumentException if {@code node} is a member (its record names no host): a
   *     member's death is the membership's to tell, and marking it dead would fence it
   */
  public static boolean recordGone(Gcs gcs, UniqueId node) {
    Objects.requireNonNull(gcs, "gcs");
    Objects.requireNonNull(node, "node");
    AtomicBoolean marked = new AtomicBoolean();
    NodeRecord after = gcs.nodes().update(node, r -> {
      if (!r.attached() || !r.alive()) {
        return r;
      }
      marked.set(true);
      return r.dead();
    });
    if (after != null && !after.attached()) {
      throw new IllegalArgumentException("node " + node + " is a member (its record names no"
          + " host), not an attached process: its death is not its host's to record");
    }
    return marked.get();
  }
}
