package dev.jray.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientProtocolTest {
  @Test
  void framesOfABatchComeBackInOrderWithTheirFields() {
    Buffer a = Buffer.buffer().appendByte(ClientProtocol.GET).appendLong(7).appendLong(-1)
        .appendInt(2).appendLong(3).appendLong(4);
    Buffer b = ClientProtocol.appendString(Buffer.buffer().appendByte(ClientProtocol.READY), "s1");
    ClientProtocol.appendString(b, null);
    List<String> seen = new ArrayList<>();
    ClientProtocol.frames(ClientProtocol.batch(List.of(a, b)), f -> {
      byte op = f.op();
      if (op == ClientProtocol.GET) {
        assertEquals(7, f.longValue());
        assertEquals(-1, f.longValue());
        assertArrayEquals(new long[] {3, 4}, f.longs());
        seen.add("get");
      } else {
        assertEquals("s1", f.string());
        assertNull(f.string());
        assertEquals(0, f.remaining());
        seen.add("ready");
      }
    });
    assertEquals(List.of("get", "ready"), seen);
  }

  @Test
  void countsAndLengthsFromTheWireAreBoundedBeforeUse() {
    Buffer hugeCount = Buffer.buffer().appendInt(Integer.MAX_VALUE);
    assertThrows(IllegalArgumentException.class, () -> ClientProtocol.frames(hugeCount, f -> {}));
    Buffer frameLongerThanBatch = Buffer.buffer().appendInt(1).appendInt(1000).appendByte((byte) 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClientProtocol.frames(frameLongerThanBatch, f -> {}));
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
    Buffer listTooLong = Buffer.buffer().appendByte(ClientProtocol.RELEASE).appendInt(50);
    assertThrows(IllegalArgumentException.class, () -> ClientProtocol.frames(
        ClientProtocol.batch(List.of(listTooLong)), f -> {
          f.op();
          f.longs();
        }));
    Buffer negativeString = Buffer.buffer().appendByte(ClientProtocol.HELLO).appendInt(-5);
    assertThrows(IllegalArgumentException.class, () -> ClientProtocol.frames(
        ClientProtocol.batch(List.of(negativeString)), f -> {
          f.op();
          f.string();
        }));
  }
}
