package dev.jray.jobs;

import java.util.Map;

/**
 * A node's resources as held for the jobs' entrypoints that run on it, taken from what its tasks
 * may use, as Ray reserves a job's entrypoint_* resources for its driver script.
 */
public interface EntrypointResources {
  /** A node that holds nothing for entrypoints: every hold succeeds. */
  EntrypointResources NONE = new EntrypointResources() {
    @Override
    public boolean hold(String submissionId, Map<String, Double> resources) {
      return true;
    }

    @Override
    public void release(String submissionId) {}
  };

  /**
   * Holds {@code resources} for the job's entrypoint until {@link #release}.
   *
   * @return false if they are not free on this node now (nothing is held then)
   */
  boolean hold(String submissionId, Map<String, Double> resources);

  /** Gives back what the job's entrypoint held. Idempotent. */
  void release(String submissionId);
}
