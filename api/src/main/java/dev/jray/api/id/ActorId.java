package dev.jray.api.id;

import java.nio.ByteBuffer;

/** Id of an actor: 12 unique bytes then its job id (16 bytes). */
public final class ActorId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 16;
  public static final ActorId NIL = new ActorId(nilBytes(LENGTH));

  public ActorId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static ActorId fromBytes(byte[] bytes) {
    return new ActorId(bytes.clone());
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static ActorId fromByteBuffer(ByteBuffer buffer) {
    return new ActorId(remainingBytes(buffer));
  }

  /** Ray's: an id of random bytes, for tests and local bookkeeping (no job id inside). */
  public static ActorId fromRandom() {
    return new ActorId(randomBytes(LENGTH));
  }

  public static ActorId fromHexString(String hex) {
    return new ActorId(fromHex(hex));
  }

  public JobId getJobId() {
    byte[] b = new byte[JobId.LENGTH];
    System.arraycopy(bytesUnsafe(), LENGTH - JobId.LENGTH, b, 0, JobId.LENGTH);
    return new JobId(b);
  }
}
