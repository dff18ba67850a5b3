package dev.jray.attach;

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
import java.util.function.Function;

/**
 * The tables of the {@link Gcs}, as the attach messages name them, with the types of their keys and
 * values: the host refuses a key or value of another type, so a process cannot put a record into
 * the wrong table.
 */
public enum GcsTableName {
  NODES("nodes", UniqueId.class, NodeRecord.class, Gcs::nodes),
  JOBS("jobs", JobId.class, JobRecord.class, Gcs::jobs),
  ACTORS("actors", ActorId.class, ActorRecord.class, Gcs::actors),
  ACTOR_NAMES("actorNames", String.class, ActorId.class, Gcs::actorNames),
  PLACEMENT_GROUPS("placementGroups", PlacementGroupId.class, PlacementGroupRecord.class,
      Gcs::placementGroups),
  PLACEMENT_GROUP_NAMES("placementGroupNames", String.class, PlacementGroupId.class,
      Gcs::placementGroupNames),
  KV("kv", String.class, byte[].class, Gcs::kv);

  private final String label;
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final Function<Gcs, GcsTable<?, ?>> table;

  GcsTableName(String label, Class<?> keyType, Class<?> valueType,
      Function<Gcs, GcsTable<?, ?>> table) {
    this.label = label;
    this.keyType = keyType;
    this.valueType = valueType;
    this.table = table;
  }

  /** The table's name as {@link Gcs}'s method names it ("actorNames"), for messages. */
  public String label() {
    return label;
  }

  public Class<?> keyType() {
    return keyType;
  }

  public Class<?> valueType() {
    return valueType;
  }

  /** This table of {@code gcs}, its types erased: the caller checks what goes in. */
  @SuppressWarnings("unchecked")
  GcsTable<Object, Object> of(Gcs gcs) {
    return (GcsTable<Object, Object>) table.apply(gcs);
  }
}
