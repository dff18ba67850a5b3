package dev.jray.api.exception;

import dev.jray.api.id.ObjectId;

/** The object was freed or every copy of it was lost, and it cannot be rebuilt. */
public class UnreconstructableException extends RayException {
  private static final long serialVersionUID = 1L;
  /** The object, as Ray's field. */
  public final ObjectId objectId;
  private final String reason;

  public UnreconstructableException(ObjectId objectId) {
    this(objectId, "it is lost (evicted, freed or its copies gone) and cannot be rebuilt");
  }

  /** Ray's: a message alone; {@link #objectId} is null and the reason is the message. */
  public UnreconstructableException(String message) {
    this(message, (Throwable) null);
  }

  /** Ray's: a message and its cause; {@link #objectId} is null and the reason is the message. */
  public UnreconstructableException(String message, Throwable cause) {
    super(message, cause);
    this.objectId = null;
    this.reason = message;
  }

  public UnreconstructableException(ObjectId objectId, String reason) {
    super("object " + objectId + " cannot be reconstructed: " + reason);
    this.objectId = objectId;
    this.reason = reason;
  }

  /** Why, without the object's id: what follows "cannot be reconstructed: " in the message. */
  public String getReason() {
    return reason;
  }

  public ObjectId getObjectId() {
    return objectId;
  }
}
