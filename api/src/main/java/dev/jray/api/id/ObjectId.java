package dev.jray.api.id;

import java.nio.ByteBuffer;

/** Id of an object: the creating task's id then a 4-byte index (28 bytes). */
public final class ObjectId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 28;
  public static final ObjectId NIL = new ObjectId(nilBytes(LENGTH));

  public ObjectId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static ObjectId fromBytes(byte[] bytes) {
    return new ObjectId(bytes.clone());
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static ObjectId fromByteBuffer(ByteBuffer buffer) {
    return new ObjectId(remainingBytes(buffer));
  }

  /** Ray's: an id of random bytes, for tests and local bookkeeping (no job id inside). */
  public static ObjectId fromRandom() {
    return new ObjectId(randomBytes(LENGTH));
  }

  public static ObjectId fromHexString(String hex) {
    return new ObjectId(fromHex(hex));
  }

  public TaskId getTaskId() {
    byte[] b = new byte[TaskId.LENGTH];
    System.arraycopy(bytesUnsafe(), 0, b, 0, TaskId.LENGTH);
    return new TaskId(b);
  }

  /** 1-based index of the return value or put within its task. */
  public int getIndex() {
    byte[] b = bytesUnsafe();
    return (b[24] & 0xff) << 24 | (b[25] & 0xff) << 16 | (b[26] & 0xff) << 8 | (b[27] & 0xff);
  }
}
