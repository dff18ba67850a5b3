package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/**
 * Tells the owner of a normal task on which node it now is: sent when a scheduler forwards it
 * and when a worker starts it, if the owner is elsewhere. If that node dies, the owner knows
 * which of its tasks to retry.
 */
record TaskLocated(ObjectId returnId, UniqueId nodeId) implements Serializable {}
