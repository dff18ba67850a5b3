package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * Asks an object's owner for its value or location; the owner replies with an {@code
 * ObjectValue} once the object is ready, or fails the request if it no longer holds it.
 */
record ObjectRequest(ObjectId objectId) implements Serializable {}
