package dev.jray.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StagedBytesTest {
  @Test
  void anAnswerIsReadInPartsAndDroppedAfterItsLast() {
    StagedBytes staged = new StagedBytes();
    byte[] value = new byte[StagedBytes.PART_BYTES + 10];
    value[value.length - 1] = 7;
    long id = staged.stageAnswer(value);
    assertEquals(StagedBytes.PART_BYTES, staged.answerPart(id, 0).length);
    byte[] last = staged.answerPart(id, StagedBytes.PART_BYTES);
    assertEquals(10, last.length);
    assertEquals(7, last[9]);
    IllegalArgumentException gone = assertThrows(IllegalArgumentException.class,
        () -> staged.answerPart(id, 0));
    assertTrue(gone.getMessage().contains("no staged value " + id), gone.getMessage());
  }

  @Test
  void anUploadIsWholeOnlyOnceEveryPartCame() {
    StagedBytes staged = new StagedBytes();
    staged.receive(1, 0, 6, new byte[] {1, 2, 3});
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> staged.take(1));
    assertTrue(missing.getMessage().contains("3 of its 6 bytes"), missing.getMessage());
    staged.receive(2, 0, 6, new byte[] {1, 2, 3});
    staged.receive(2, 3, 6, new byte[] {4, 5, 6});
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, staged.take(2));
  }

  @Test
  void sizesAndOffsetsFromTheNetworkAreBounded() {
    StagedBytes staged = new StagedBytes();
    assertThrows(IllegalArgumentException.class,
        () -> staged.receive(1, 0, StagedBytes.MAX_BYTES + 1, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> staged.receive(1, 5, 6, new byte[2]));
    assertThrows(IllegalArgumentException.class, () -> staged.receive(1, -1, 6, new byte[1]));
    staged.receive(1, 0, 6, new byte[1]);
    assertThrows(IllegalArgumentException.class, () -> staged.receive(1, 0, 7, new byte[1]));
    long id = staged.stageAnswer(new byte[3]);
    assertThrows(IllegalArgumentException.class, () -> staged.answerPart(id, 3));
  }

  @Test
  void atMostFourValuesAreStagedEachWay() {
    StagedBytes staged = new StagedBytes();
    long first = staged.stageAnswer(new byte[1]);
    for (int i = 0; i < StagedBytes.MAX_STAGED; i++) {
      staged.stageAnswer(new byte[1]);
    }
    assertThrows(IllegalArgumentException.class, () -> staged.answerPart(first, 0));
  }
}
