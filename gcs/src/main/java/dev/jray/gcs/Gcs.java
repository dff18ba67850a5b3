package dev.jray.gcs;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.table.GcsTable;

/**
 * The global control store: what changes rarely (nodes, jobs, actors' lifecycle, names, placement groups, KV).
 * Never on the task hot path. Thread-safe; calls may block, so not on an event loop.
 */
public interface Gcs extends AutoCloseable {

  GcsTable<UniqueId, NodeRecord> nodes();

  GcsTable<JobId, JobRecord> jobs();

  GcsTable<ActorId, ActorRecord> actors();

  /** Named actors: key {@link #actorNameKey(String, String)}. */
  GcsTable<String, ActorId> actorNames();

  GcsTable<PlacementGroupId, PlacementGroupRecord> placementGroups();

  /** Named placement groups: key {@link #actorNameKey(String, String)} of namespace and name. */
  GcsTable<String, PlacementGroupId> placementGroupNames();

  /** Internal key-value store (packages, autoscaler state). */
  GcsTable<String, byte[]> kv();

  /** A new job id, unique in the cluster. */
  JobId nextJobId();

  static String actorNameKey(String namespace, String name) {
    return namespace + "\u0000" + name;
  }

  @Override
  void close();
}
