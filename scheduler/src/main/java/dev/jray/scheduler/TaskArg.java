package dev.jray.scheduler;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * One argument of a task: a serialized value given by the caller ({@code objectId} null), or an
 * ObjectRef argument already resolved by the submitter to its {@link ObjectValue}.
 */
public record TaskArg(ObjectId objectId, ObjectValue value) implements Serializable {

  public static TaskArg byValue(byte[] data) {
    return new TaskArg(null, ObjectValue.inline(data));
  }

  public static TaskArg byRef(ObjectId id, ObjectValue resolved) {
    return new TaskArg(id, resolved);
  }
}
