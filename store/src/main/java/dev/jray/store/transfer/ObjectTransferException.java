package dev.jray.store.transfer;

import dev.jray.api.exception.RayException;
import dev.jray.api.id.ObjectId;

/** A pull of an object from another node's object store failed; nothing of it was kept. */
public class ObjectTransferException extends RayException {
  private static final long serialVersionUID = 1L;
  private final ObjectId objectId;
  private final String peer;
  private final boolean notFound;

  ObjectTransferException(
      ObjectId objectId, String peer, String reason, boolean notFound, Throwable cause) {
    super(
        "cannot pull object "
            + objectId
            + " from "
            + peer
            + ": "
            + reason
            + (cause == null ? "" : " (" + cause + ")"),
        cause);
    this.objectId = objectId;
    this.peer = peer;
    this.notFound = notFound;
  }

  public ObjectId getObjectId() {
    return objectId;
  }

  /** The node pulled from, as {@code host:port}. */
  public String getPeer() {
    return peer;
  }

  /** Whether the peer answered that its store does not hold the object. */
  public boolean isNotFound() {
    return notFound;
  }
}
