package dev.jray.gcs.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import dev.jray.gcs.table.GcsTable;
import java.util.Map;
import java.util.Objects;

/**
 * The GCS of a cluster: tables on Hazelcast maps (named {@code jray.*}, so {@link
 * ClusterConfig} gives them a backup), shared by all members. Built only in this package: by
 * {@link ClusteredVertx} on a member, by {@link GcsClient} on a client; everything else sees a
 * {@link Gcs}.
 *
 * <p>Threading: thread-safe (Hazelcast's maps are). The constructor and all table calls block on
 * the network: never call them on a Vert.x event loop. {@link #close()} shuts the Hazelcast
 * instance down only if this GCS owns it (a client's); a member's belongs to its Vert.x.
 */
final class HazelcastGcs implements Gcs {
  public static final String NODES = "jray.nodes";
  public static final String JOBS = "jray.jobs";
  public static final String ACTORS = "jray.actors";
  public static final String ACTOR_NAMES = "jray.actor-names";
  public static final String PLACEMENT_GROUPS = "jray.placement-groups";
  public static final String PLACEMENT_GROUP_NAMES = "jray.placement-group-names";
  public static final String KV = "jray.kv";
  /** Cluster-wide counters, e.g. the last job id handed out. */
  public static final String COUNTERS = "jray.counters";

  private static final String JOB_COUNTER = "job";

  private final GcsTable<UniqueId, NodeRecord> nodes;
  private final GcsTable<JobId, JobRecord> jobs;
  private final GcsTable<ActorId, ActorRecord> actors;
  private final GcsTable<String, ActorId> actorNames;
  private final GcsTable<PlacementGroupId, PlacementGroupRecord> placementGroups;
  private final GcsTable<String, PlacementGroupId> placementGroupNames;
  private final GcsTable<String, byte[]> kv;
  private final IMap<String, Integer> counters;
  /** Shut down on {@link #close()}; null when the instance belongs to someone else. */
  private final HazelcastInstance owned;

  /** A GCS on a member's instance, which it leaves running on {@link #close()}. */
  HazelcastGcs(HazelcastInstance hazelcast) {
    this(hazelcast, false);
  }

  /** @param ownsInstance whether {@link #close()} shuts {@code hazelcast} down (a client's) */
  HazelcastGcs(HazelcastInstance hazelcast, boolean ownsInstance) {
    Objects.requireNonNull(hazelcast, "hazelcast");
    this.owned = ownsInstance ? hazelcast : null;
    nodes = new HazelcastGcsTable<>(hazelcast.getMap(NODES));
    jobs = new HazelcastGcsTable<>(hazelcast.getMap(JOBS));
    actors = new HazelcastGcsTable<>(hazelcast.getMap(ACTORS));
    actorNames = new HazelcastGcsTable<>(hazelcast.getMap(ACTOR_NAMES));
    placementGroups = new HazelcastGcsTable<>(hazelcast.getMap(PLACEMENT_GROUPS));
    placementGroupNames = new HazelcastGcsTable<>(hazelcast.getMap(PLACEMENT_GROUP_NAMES));
    kv = new HazelcastGcsTable<>(hazelcast.getMap(KV));
    counters = hazelcast.getMap(COUNTERS);
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

  /** 1, 2, 3, ... across the whole cluster: one atomic increment on the counter's owner. */
  @Override
  public JobId nextJobId() {
    return JobId.fromInt(counters.executeOnKey(JOB_COUNTER, new Increment()));
  }

  /** Shuts the Hazelcast instance down if this GCS owns it, else leaves it to its owner. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
    }
  }

  /**
   * Runs on the partition owner, then on the backup; both apply the same increment. Every member
   * has this class (it ships with jray-gcs), so it can travel.
   */
  static final class Increment implements EntryProcessor<String, Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(Map.Entry<String, Integer> entry) {
      Integer current = entry.getValue();
      int next = current == null ? 1 : current + 1;
      entry.setValue(next);
      return next;
    }
  }
}
