package dev.jray.api.id;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Fixed-length binary id printed as hex, as Ray's ids are. Immutable. */
public abstract class BaseId implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private transient int hash;

  protected BaseId(byte[] bytes, int expectedSize) {
    if (bytes == null) {
      throw new NullPointerException("id bytes");
    }
    if (bytes.length != expectedSize) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " must be " + expectedSize + " bytes, got " + bytes.length);
    }
    this.bytes = bytes;
  }

  /** A copy of the id's bytes. */
  public byte[] getBytes() {
    return bytes.clone();
  }

  /** The id's bytes in a new buffer, Ray's {@code toByteBuffer}; it wraps a copy, so the id stays immutable. */
  public ByteBuffer toByteBuffer() {
    return ByteBuffer.wrap(getBytes());
  }

  /** Copies the id's bytes into {@code dst} from {@code offset} (no intermediate copy). */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, bytes.length);
  }

  /** The id's bytes without copying; callers must not modify them. */
  protected byte[] bytesUnsafe() {
    return bytes;
  }

  public int size() {
    return bytes.length;
  }

  public boolean isNil() {
    for (byte b : bytes) {
      if (b != (byte) 0xff) {
        return false;
      }
    }
    return true;
  }

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  public String toHex() {
    // by hand: HexFormat's StringBuilder cost a task's log context a tenth of a synchronous task
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      out[2 * i] = HEX_DIGITS[b >>> 4];
      out[2 * i + 1] = HEX_DIGITS[b & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  protected static byte[] fromHex(String hex) {
    return HEX.parseHex(hex);
  }

  /** The remaining bytes of {@code buffer}, read from its position (which moves past them). */
  protected static byte[] remainingBytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    return b;
  }

  /** Random bytes, for Ray's {@code fromRandom}/{@code randomId}: ids nothing else assigned. */
  protected static byte[] randomBytes(int size) {
    byte[] b = new byte[size];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  protected static byte[] nilBytes(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 0xff);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((BaseId) o).bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = mix(bytes);
      hash = h;
    }
    return h;
  }

  // Not Arrays.hashCode: ids of one task differ only in their last bytes, and 31-based hashes of
  // those collide so often that hash maps of object ids degrade into trees. Eight bytes per
  // multiply, then murmur's finalizer, so every byte reaches every bit of the result.
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static int mix(byte[] bytes) {
    long h = 0xcbf29ce484222325L ^ bytes.length;
    int i = 0;
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      h = (h ^ (long) LONGS.get(bytes, i)) * 0x9e3779b97f4a7c15L;
      h ^= h >>> 29;
    }
    for (; i < bytes.length; i++) {
      h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  @Override
  public String toString() {
    return toHex();
  }
}
