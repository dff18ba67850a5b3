package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.task.ObjectValue;
import java.io.Serializable;
import java.util.List;

/**
 * Asks a node's worker to own an object another node put for an actor it hosts ({@code
 * Ray.put(value, owner)}): the value (inline, or in the putter's store, as Ray's stays in the
 * putter's), the refs inside it (already counted as the new owner's) and the putter's node, whose
 * one reference is counted as its borrow. Replied with true once owned.
 */
record AdoptObject(ObjectId objectId, ObjectValue value, List<RefId> contained, UniqueId holder)
    implements Serializable {}
