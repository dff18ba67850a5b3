package dev.jray.jobs;

import java.util.Map;

/**
 * Where the job supervisor runs an entrypoint: as Ray's, on the head unless the job asks for
 * entrypoint resources, then on a node with room for them.
 */
@FunctionalInterface
public interface EntrypointPlacement {
  /**
   * The node whose {@link EntrypointHostVerticle} should start an entrypoint that needs {@code
   * resources} (none: empty), or null if no node has room for them now. Called under the
   * supervisor's lock: quick, from what the caller knows already.
   */
  String nodeFor(Map<String, Double> resources);

  /** Every entrypoint on node {@code nodeId} (a head alone, a test). */
  static EntrypointPlacement on(String nodeId) {
    return resources -> nodeId;
  }
}
