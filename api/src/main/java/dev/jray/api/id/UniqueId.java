package dev.jray.api.id;

import java.nio.ByteBuffer;

/** Id of a node or worker (28 bytes). */
public final class UniqueId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 28;
  public static final UniqueId NIL = new UniqueId(nilBytes(LENGTH));

  public UniqueId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static UniqueId fromBytes(byte[] bytes) {
    return new UniqueId(bytes.clone());
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static UniqueId fromByteBuffer(ByteBuffer buffer) {
    return new UniqueId(remainingBytes(buffer));
  }

  /** Ray's: an id of random bytes. */
  public static UniqueId randomId() {
    return new UniqueId(randomBytes(LENGTH));
  }

  public static UniqueId fromHexString(String hex) {
    return new UniqueId(fromHex(hex));
  }
}
