package dev.jray.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.ids.IdFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLoadTest {
  private final NodeLoad load = new NodeLoad(IdFactory.newUniqueId(),
      Map.of("CPU", 2.0, "memory", 1e9), Map.of("CPU", 0.5, "memory", 1e9),
      Map.of("{CPU: 1.0}", 12), 1L << 30, 2L << 30, 17, 1_764_000_000_000L, 0.25, 3L << 30,
      8L << 30, 1234, 5);

  @Test
  void aLoadReadsBackAsWritten() {
    assertEquals(load, NodeLoad.fromBytes(load.toBytes()));
  }

  @Test
  void aLoadOfFormat2ReadsBackWithoutTaskCounts() {
    byte[] v3 = load.toBytes();
    byte[] v2 = Arrays.copyOf(v3, v3.length - 2 * Long.BYTES); // as format 2 wrote it
    v2[0] = 2;
    NodeLoad read = NodeLoad.fromBytes(v2);
    assertEquals(load.memoryTotalBytes(), read.memoryTotalBytes());
    assertEquals(0, read.tasksFinished());
    assertEquals(0, read.tasksFailed());
  }

  @Test
  void aLoadOfTheFirstFormatReadsBackWithoutTheMachineFields() {
    byte[] v3 = load.toBytes();
    byte[] v1 = Arrays.copyOf(v3, v3.length - Double.BYTES - 4 * Long.BYTES); // as format 1 wrote it
    v1[0] = 1;
    NodeLoad read = NodeLoad.fromBytes(v1);
    assertEquals(new NodeLoad(load.nodeId(), load.total(), load.available(), load.demands(),
        load.storeUsedBytes(), load.storeCapacityBytes(), load.storeObjects(), load.atMs()), read);
    assertEquals(NodeLoad.UNKNOWN, read.cpuUtilization());
    assertEquals(0, read.memoryTotalBytes());
  }

  @Test
  void aRecordCutShortOrWithMoreBytesIsRefusedSayingSo() {
    byte[] bytes = load.toBytes();
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> NodeLoad.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)));
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
    IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
        () -> NodeLoad.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
    assertTrue(longer.getMessage().contains("more bytes"), longer.getMessage());
  }

  @Test
  void aCountOverTheBoundIsRefusedBeforeAnythingIsAllocated() {
    byte[] bytes = load.toBytes();
    int countAt = 1 + 2 + load.nodeId().toHex().length(); // version, the id's UTF length and text
    ByteBuffer.wrap(bytes).putInt(countAt, Integer.MAX_VALUE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeLoad.fromBytes(bytes));
    assertTrue(e.getMessage().contains(Integer.MAX_VALUE + " entries"), e.getMessage());
  }

  @Test
  void aRecordOfAnotherFormatIsRefused() {
    byte[] bytes = load.toBytes();
    bytes[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> NodeLoad.fromBytes(bytes));
  }
}
