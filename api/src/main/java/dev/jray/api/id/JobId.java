package dev.jray.api.id;

import java.nio.ByteBuffer;

/**
 * Id of a job (4 bytes, a counter assigned by the GCS), the counter stored little-endian as Ray
 * stores it: job 1 is {@code 01000000}.
 */
public final class JobId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 4;
  public static final JobId NIL = new JobId(nilBytes(LENGTH));

  public JobId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static JobId fromInt(int value) {
    return new JobId(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
  }

  /** Ray's: an id from the remaining bytes of {@code buffer}. */
  public static JobId fromByteBuffer(ByteBuffer buffer) {
    return new JobId(remainingBytes(buffer));
  }

  /** Ray's: a job id from its 4 bytes (copied). */
  public static JobId fromBytes(byte[] bytes) {
    return new JobId(bytes.clone());
  }

  public static JobId fromHexString(String hex) {
    return new JobId(fromHex(hex));
  }

  public int toInt() {
    byte[] b = bytesUnsafe();
    return (b[3] & 0xff) << 24 | (b[2] & 0xff) << 16 | (b[1] & 0xff) << 8 | (b[0] & 0xff);
  }
}
