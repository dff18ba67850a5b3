package dev.jray.runtime;

import dev.jray.gcs.serialization.Serializer;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the serializer writes a top-level {@code byte[]}: a fixed prefix, the length as an unsigned
 * LEB128 varint, then the bytes as they are. Knowing it, a large array goes into the object
 * store with one copy, no serialized copy on the heap in between, and reads back through the
 * serializer as usual. Learned from the serializer itself and checked on arrays of every varint
 * width up to 3 bytes; a serializer that frames arrays otherwise gets none. Immutable.
 */
final class ByteArrayFraming {
  private final byte[] prefix;

  private ByteArrayFraming(byte[] prefix) {
    this.prefix = prefix;
  }

  /** The framing {@code serializer} uses, or null if it does not frame arrays this way. */
  static ByteArrayFraming learn(Serializer serializer) {
    byte[] empty = serializer.serialize(new byte[0]);
    if (empty.length == 0 || empty[empty.length - 1] != 0) {
      return null;
    }
    ByteArrayFraming f = new ByteArrayFraming(Arrays.copyOf(empty, empty.length - 1));
    for (int n : new int[] {1, 127, 128, 16_383, 16_384, 70_000}) {
      byte[] data = new byte[n];
      for (int i = 0; i < n; i++) {
        data[i] = (byte) (i * 31 + 7);
      }
      byte[] expected = serializer.serialize(data);
      byte[] header = f.header(n);
      if (expected.length != header.length + n
          || !Arrays.equals(expected, 0, header.length, header, 0, header.length)
          || !Arrays.equals(expected, header.length, expected.length, data, 0, n)) {
        return null;
      }
    }
    return f;
  }

  /**
   * The length of the header if {@code object} (from position 0, {@code size} bytes in all) is an
   * array framed this way, else -1.
   */
  int headerLength(ByteBuffer object, long size) {
    byte[] head = new byte[(int) Math.min(size, prefix.length + 5L)];
    object.get(0, head);
    return headerLength(head, size);
  }

  /** As above, for a whole serialized value in an array. */
  int headerLength(byte[] object) {
    return headerLength(object, object.length);
  }

  /**
   * As above, from the object's first bytes: -1 also if they are fewer than its header.
   *
   * @param head the object's first bytes (up to the longest header), @param size its size
   */
  int headerLength(byte[] head, long size) {
    int at = prefix.length;
    if (size < at + 1L) {
      return -1;
    }
    for (int i = 0; i < at; i++) {
      if (head[i] != prefix[i]) {
        return -1;
      }
    }
    long length = 0;
    for (int shift = 0; shift < 35 && at < head.length; shift += 7) {
      byte b = head[at++];
      length |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return at + length == size ? at : -1;
      }
    }
    return -1;
  }

  /**
   * The length of the header of an array framed this way whose serialized size is {@code size},
   * or -1 if no array has that size (each varint width gives the array's length; one fits).
   */
  int headerLengthForSize(long size) {
    for (int width = 1; width <= 5; width++) {
      long length = size - prefix.length - width;
      if (length >= 0 && length <= Integer.MAX_VALUE && varintWidth(length) == width) {
        return prefix.length + width;
      }
    }
    return -1;
  }

  private static int varintWidth(long value) {
    int width = 1;
    while ((value & ~0x7fL) != 0) {
      value >>>= 7;
      width++;
    }
    return width;
  }

  /** The array as the serializer writes it, in one copy. */
  byte[] frame(byte[] array) {
    byte[] header = header(array.length);
    byte[] framed = Arrays.copyOf(header, header.length + array.length);
    System.arraycopy(array, 0, framed, header.length, array.length);
    return framed;
  }

  /** The bytes the serializer writes before the contents of an array of {@code length}. */
  byte[] header(int length) {
    byte[] h = Arrays.copyOf(prefix, prefix.length + 5);
    int at = prefix.length;
    int v = length;
    while ((v & ~0x7f) != 0) {
      h[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    h[at++] = (byte) v;
    return Arrays.copyOf(h, at);
  }
}
