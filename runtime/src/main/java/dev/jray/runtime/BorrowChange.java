package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import java.io.Serializable;

/**
 * Sent to an object's owner when a reference to it is counted or given back on another node (+1
 * when a copy of an ObjectRef is deserialized or a value holding one is made, -1 when it goes): a
 * borrowed object lives as long as a borrower holds it, as Ray's borrower protocol has it.
 *
 * @param holder the node whose worker holds the count and gives it back (for a task's result,
 *     the result's owner, not the node that made it); its death gives the count back
 */
record BorrowChange(ObjectId objectId, int delta, UniqueId holder) implements Serializable {}
