package dev.jray.gcs.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The caps on event-bus connections waiting for their first message, and who makes room. */
class PendingConnectionsTest {
  @Test
  void atTheAddressCapTheOldestSilentConnectionMakesRoomElseTheNewOneIsRefused() {
    PendingConnections pending = new PendingConnections(10, 2);
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    EmbeddedChannel c = new EmbeddedChannel();
    EmbeddedChannel d = new EmbeddedChannel();

    assertNull(pending.admit(a));
    assertNull(pending.admit(b));
    assertSame(a, pending.admit(c), "a, silent the longest, makes room");
    pending.spoke(b);
    pending.spoke(c);
    assertSame(d, pending.admit(d), "none silent: the new one is refused");
    pending.settled(b);
    assertNull(pending.admit(d), "b's message made room");
    assertEquals(2, pending.size());
  }

  @Test
  void atTheTotalCapTheOldestSilentOneOfAnyAddressMakesRoom() {
    PendingConnections pending = new PendingConnections(2, 10);
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    pending.admit(a);
    pending.admit(b);
    pending.spoke(a);

    assertSame(b, pending.admit(new EmbeddedChannel()));
    pending.settled(b); // its close arrives later: counted once
    assertEquals(2, pending.size());
  }

  @Test
  void capsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new PendingConnections(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new PendingConnections(1, 0));
  }
}
