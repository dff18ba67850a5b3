package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/**
 * Asks an object's owner for its value or location; the owner replies with an {@code
 * ObjectValue} once the object is ready, or fails the request if it no longer holds it.
 *
 * @param lostOn null, or the node whose copy the asker could not fetch: the owner rebuilds the
 *     object if it still points there (or fails it saying why it cannot), and replies when done
 */
record ObjectRequest(ObjectId objectId, UniqueId lostOn) implements Serializable {}
