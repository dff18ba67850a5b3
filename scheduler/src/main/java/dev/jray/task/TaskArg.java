package dev.jray.task;

import dev.jray.api.id.ObjectId;
import java.io.Serializable;

/**
 * One argument of a task: a serialized value given by the caller ({@code objectId} and {@code
 * owner} null), or an ObjectRef argument already resolved by the submitter to its {@link
 * ObjectValue}, with the address of the object's owner.
 */
public record TaskArg(ObjectId objectId, String owner, ObjectValue value) implements Serializable {

  public static TaskArg byValue(byte[] data) {
    return new TaskArg(null, null, ObjectValue.inline(data));
  }

  public static TaskArg byRef(ObjectId id, String owner, ObjectValue resolved) {
    return new TaskArg(id, owner, resolved);
  }
}
