package dev.jray.gcs.cluster;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;
import dev.jray.api.id.BaseId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import java.util.Collection;

/**
 * The classes a jray member or client decodes with Java serialization: the GCS's records travel
 * that way, and a member decodes whatever another member or client wrote into a map, so a class
 * outside this list is refused before it is loaded (no {@code readObject} or {@code readResolve}
 * of it runs). Allowed: jray's records, ids and the enums they hold, the job counter's entry
 * processor, and what those and Hazelcast's own operations carry (Hazelcast's classes, {@code
 * java.lang} and {@code java.util} values and exceptions, arrays). vertx-hazelcast stores its
 * registrations as Hazelcast {@code DataSerializable}s, which this filter does not concern.
 *
 * <p>Stateless.
 */
final class GcsSerializationFilter {
  private GcsSerializationFilter() {}

  /**
   * A fresh filter config, Hazelcast's default allow-list off.
   *
   * @param alsoAllowed names of further classes an application lets travel
   */
  static JavaSerializationFilterConfig config(Collection<String> alsoAllowed) {
    ClassFilter allowed = new ClassFilter()
        .addClasses(ActorRecord.class.getName(), ActorState.class.getName(),
            JobRecord.class.getName(), NodeRecord.class.getName(),
            PlacementGroupRecord.class.getName(), PlacementGroupState.class.getName(),
            PlacementStrategy.class.getName(), HazelcastGcs.Increment.class.getName())
        .addPackages(BaseId.class.getPackageName())
        .addPrefixes("com.hazelcast.", "java.lang.", "java.util.", "[")
        .addClasses(alsoAllowed.toArray(String[]::new));
    // a serialized lambda's readResolve calls into the class that made it: none travels here
    ClassFilter refused = new ClassFilter().addPackages("java.lang.invoke", "java.lang.reflect");
    return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed)
        .setBlacklist(refused);
  }
}
