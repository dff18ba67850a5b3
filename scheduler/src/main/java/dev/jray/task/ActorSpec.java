package dev.jray.task;

import dev.jray.api.id.ActorId;
import java.io.Serializable;
import java.util.List;

/**
 * What an actor-creation task carries about the actor beyond the function to call.
 *
 * @param concurrencyGroups the groups given at creation (those its class declares are added
 *     where it runs); empty for most actors
 */
public record ActorSpec(ActorId actorId, int maxConcurrency, int maxRestarts, int maxTaskRetries,
    List<ConcurrencyGroupSpec> concurrencyGroups) implements Serializable {

  public ActorSpec {
    concurrencyGroups = List.copyOf(concurrencyGroups);
  }
}
