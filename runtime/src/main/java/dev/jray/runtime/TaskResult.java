package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.task.ObjectValue;
import java.io.Serializable;
import java.util.List;

/**
 * A finished task's return value, sent by the worker that ran it to the return object's owner.
 *
 * @param contained the ObjectRefs inside the value, which the value keeps alive
 */
record TaskResult(ObjectId returnId, ObjectValue value, List<RefId> contained)
    implements Serializable {}
