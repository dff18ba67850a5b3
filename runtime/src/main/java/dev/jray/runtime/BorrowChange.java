package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * Sent to an object's owner by a worker that holds a copy of an ObjectRef to it (+1 when the
 * copy is deserialized, -1 when it is collected): a borrowed object lives as long as a borrower
 * holds it, as Ray's borrower protocol has it.
 */
record BorrowChange(ObjectId objectId, int delta) implements Serializable {}
