package dev.jray.api.id;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HexFormat;

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

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  protected static byte[] fromHex(String hex) {
    return HEX.parseHex(hex);
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

  // FNV-1a, not Arrays.hashCode: ids of one task differ only in their last bytes, and 31-based
  // hashes of those collide so often that hash maps of object ids degrade into trees.
  private static int mix(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public String toString() {
    return toHex();
  }
}
