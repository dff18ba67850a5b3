package dev.jray.api.id;

import java.nio.ByteBuffer;

/** Id of a task: 8 unique bytes then the actor id it belongs to (24 bytes). */
public final class TaskId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 24;
  public static final TaskId NIL = new TaskId(nilBytes(LENGTH));

  public TaskId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static TaskId fromBytes(byte[] bytes) {
    return new TaskId(bytes.clone());
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static TaskId fromByteBuffer(ByteBuffer buffer) {
    return new TaskId(remainingBytes(buffer));
  }

  public static TaskId fromHexString(String hex) {
    return new TaskId(fromHex(hex));
  }

  public ActorId getActorId() {
    byte[] b = new byte[ActorId.LENGTH];
    System.arraycopy(bytesUnsafe(), LENGTH - ActorId.LENGTH, b, 0, ActorId.LENGTH);
    return new ActorId(b);
  }
}
