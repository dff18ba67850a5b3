package dev.jray.gcs;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/**
 * An actor in the GCS actor table. {@code nodeId} is where it runs once ALIVE; {@code
 * deathCause} says why it is DEAD (and {@code deathError} holds the serialized exception that
 * killed it, if any). {@code maxTaskRetries} is how often a caller sends a call again after the
 * instance it ran on died (-1: no limit; 0, Ray's default: the call fails).
 */
public record ActorRecord(ActorId actorId, JobId jobId, String className, String name,
    String namespace, boolean detached, int maxRestarts, int maxTaskRetries, ActorState state,
    UniqueId nodeId,
    int numRestarts, String deathCause, byte[] deathError) implements Serializable {

  /**
   * What a caller takes an actor the GCS holds no record of to be: dead (its record was pruned
   * long after its death, or it never existed), so that calls to it fail instead of waiting.
   */
  public static ActorRecord forgotten(ActorId actorId) {
    return new ActorRecord(actorId, actorId.getJobId(), null, null, null, false, 0, 0,
        ActorState.DEAD, null, 0, "the GCS holds no record of it: it died and its record was"
        + " pruned (at most jray.gcs.max-dead-records dead actors are kept), or it never existed",
        null);
  }

  public ActorRecord withState(ActorState newState, UniqueId node) {
    return new ActorRecord(actorId, jobId, className, name, namespace, detached, maxRestarts,
        maxTaskRetries, newState, node, numRestarts, deathCause, deathError);
  }

  /** Whether a failure or {@code kill(false)} may restart it once more. */
  public boolean canRestart() {
    return maxRestarts == -1 || numRestarts < maxRestarts;
  }

  /**
   * Being restarted on another node after its node died; counts one restart. While RESTARTING
   * its node is {@code by}, the node that restarts it: should that node die too before the actor
   * is ALIVE again, the leader's reconciliation sees it on a dead node and restarts it again.
   */
  public ActorRecord restarting(UniqueId by) {
    return new ActorRecord(actorId, jobId, className, name, namespace, detached, maxRestarts,
        maxTaskRetries, ActorState.RESTARTING, by, numRestarts + 1, null, null);
  }

  /** Whether {@code other} is this same record: same state, node and restart count. */
  public boolean sameIncarnation(ActorRecord other) {
    return other != null && state == other.state && numRestarts == other.numRestarts
        && java.util.Objects.equals(nodeId, other.nodeId);
  }

  /** Alive again after a restart. */
  public ActorRecord restarted(UniqueId node) {
    return new ActorRecord(actorId, jobId, className, name, namespace, detached, maxRestarts,
        maxTaskRetries, ActorState.ALIVE, node, numRestarts + 1, null, null);
  }

  public ActorRecord dead(String cause, byte[] error) {
    return new ActorRecord(actorId, jobId, className, name, namespace, detached, maxRestarts,
        maxTaskRetries, ActorState.DEAD, nodeId, numRestarts, cause, error);
  }
}
