package dev.jray.gcs;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.table.GcsTable;
import dev.jray.gcs.table.InMemoryGcsTable;
import java.util.concurrent.atomic.AtomicInteger;

/** The GCS of an embedded single-node cluster: tables in this JVM's memory. */
public final class InMemoryGcs implements Gcs {
  private final GcsTable<UniqueId, NodeRecord> nodes = new InMemoryGcsTable<>();
  private final GcsTable<JobId, JobRecord> jobs = new InMemoryGcsTable<>();
  private final GcsTable<ActorId, ActorRecord> actors = new InMemoryGcsTable<>();
  private final GcsTable<String, ActorId> actorNames = new InMemoryGcsTable<>();
  private final GcsTable<PlacementGroupId, PlacementGroupRecord> placementGroups =
      new InMemoryGcsTable<>();
  private final GcsTable<String, PlacementGroupId> placementGroupNames = new InMemoryGcsTable<>();
  private final GcsTable<String, byte[]> kv = new InMemoryGcsTable<>();
  private final AtomicInteger jobCounter = new AtomicInteger();

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

  @Override
  public JobId nextJobId() {
    return JobId.fromInt(jobCounter.incrementAndGet());
  }

  @Override
  public void close() {}
}
