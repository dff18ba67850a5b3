package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * Sent by an object's owner, once it freed the object, to the node whose store holds the primary
 * copy (the node that ran the task returning it), so that copy goes too, as Ray's owner frees it;
 * and by a borrower to the owner, for {@code Ray.internal().free}.
 */
record FreeObject(ObjectId objectId) implements Serializable {}
