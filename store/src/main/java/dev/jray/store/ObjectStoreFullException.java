package dev.jray.store;

import dev.jray.api.exception.RayException;
import dev.jray.api.id.ObjectId;

/**
 * An object does not fit in the object store even after evicting every unpinned secondary copy
 * and spilling every unpinned primary copy, or it is larger than the whole store.
 */
public class ObjectStoreFullException extends RayException {
  private static final long serialVersionUID = 1L;
  private final ObjectId objectId;

  public ObjectStoreFullException(
      ObjectId objectId, long objectSize, long capacity, long usedBytes, long pinnedBytes) {
    super(
        "object store is full: cannot fit object "
            + objectId
            + " of "
            + objectSize
            + " bytes; capacity "
            + capacity
            + " bytes, "
            + usedBytes
            + " bytes used, of which "
            + pinnedBytes
            + " bytes are pinned or being written");
    this.objectId = objectId;
  }

  public ObjectId getObjectId() {
    return objectId;
  }
}
