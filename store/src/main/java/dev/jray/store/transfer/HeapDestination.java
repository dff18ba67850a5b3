package dev.jray.store.transfer;

import java.util.Objects;

/**
 * Chooses the Java array that an object read from another node goes into ({@link
 * ObjectTransferClient#read}), once the object's size and first bytes have arrived: the whole
 * object, or what follows a header its reader has no use for (a serialized {@code byte[]}'s
 * framing, so that the array read is the value itself).
 *
 * <p>Called once per read, on the transfer thread; may throw to refuse the object (a size other
 * than the one expected, say), which fails the read with the exception's message.
 */
@FunctionalInterface
public interface HeapDestination {
  /** How many of the object's first bytes {@link #allocate} sees (all of a smaller object). */
  int HEAD_BYTES = 32;

  /**
   * @param size the object's size, as the peer announced it
   * @param head the object's first {@code min(size, HEAD_BYTES)} bytes
   * @return the array to fill with the object's bytes from {@link Slot#skip} on
   */
  Slot allocate(long size, byte[] head);

  /**
   * An array for the object's bytes from {@code skip} on: exactly as long as they are, and {@code
   * skip} within the head shown to {@link #allocate}.
   */
  record Slot(byte[] array, int skip) {
    public Slot {
      Objects.requireNonNull(array, "array");
      if (skip < 0 || skip > HEAD_BYTES) {
        throw new IllegalArgumentException("skip must be 0 to " + HEAD_BYTES + ", got " + skip);
      }
    }
  }
}
