package dev.jray.runtime;

import dev.jray.api.id.ActorId;
import java.io.Serializable;

/** Sent to an actor's address: end it now, failing its queued and running calls. */
record KillActor(ActorId actorId, boolean noRestart, String cause) implements Serializable {}
