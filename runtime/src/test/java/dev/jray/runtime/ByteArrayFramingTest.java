package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jray.gcs.serialization.Serializers;
import org.junit.jupiter.api.Test;

class ByteArrayFramingTest {
  private final ByteArrayFraming framing = ByteArrayFraming.learn(Serializers.fory());

  @Test
  void theSizeOfASerializedArrayGivesItsHeaderAtEveryVarintWidth() {
    assertNotNull(framing, "Fory frames a byte[] as a prefix, a varint length and the bytes");
    for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152,
        256 << 20, Integer.MAX_VALUE - 8}) {
      int header = framing.header(length).length;
      assertEquals(header, framing.headerLengthForSize((long) header + length), "length " + length);
    }
  }

  @Test
  void aSizeNoArrayHasGivesNoHeader() {
    int prefix = framing.header(0).length - 1;
    // 1 varint byte would leave 128 bytes (2 varint bytes), 2 would leave 127 (1 byte)
    assertEquals(-1, framing.headerLengthForSize(prefix + 1 + 128));
    assertEquals(-1, framing.headerLengthForSize(prefix - 1));
  }
}
