package dev.jray.task;

import dev.jray.api.id.ActorId;
import java.io.Serializable;

/** What an actor-creation task carries about the actor beyond the function to call. */
public record ActorSpec(ActorId actorId, int maxConcurrency, int maxRestarts, int maxTaskRetries)
    implements Serializable {}
