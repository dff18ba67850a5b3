package dev.jray.api.id;

/** Id of a job (4 bytes, a counter assigned by the GCS). */
public final class JobId extends BaseId {
  private static final long serialVersionUID = 1L;
  public static final int LENGTH = 4;
  public static final JobId NIL = new JobId(nilBytes(LENGTH));

  public JobId(byte[] bytes) {
    super(bytes, LENGTH);
  }

  public static JobId fromInt(int value) {
    return new JobId(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
  }

  public static JobId fromHexString(String hex) {
    return new JobId(fromHex(hex));
  }

  public int toInt() {
    byte[] b = bytesUnsafe();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }
}
