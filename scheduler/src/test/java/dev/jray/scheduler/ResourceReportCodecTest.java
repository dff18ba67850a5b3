package dev.jray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceReportCodecTest {
  private final ResourceReportCodec codec = new ResourceReportCodec();
  private final UniqueId node = IdFactory.newUniqueId();

  @Test
  void aReportComesBackAsItWasSentAfterWhatPrecedesItInTheBuffer() {
    ResourceReport report = new ResourceReport(node, Map.of("CPU", 4.0, "memory", 1.5e9, "GPU", 1.0),
        Map.of("CPU", 2.5, "memory", 1e9, "GPU", 0.0), 17, Map.of("{CPU=1.0}", 3, "{GPU=1.0}", 1));
    Buffer buffer = Buffer.buffer().appendString("header");
    codec.encodeToWire(buffer, report);
    assertEquals(report, codec.decodeFromWire(6, buffer));
  }

  @Test
  void anEmptyReportComesBack() {
    ResourceReport report = new ResourceReport(node, Map.of(), Map.of(), 0, Map.of());
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, report);
    assertEquals(report, codec.decodeFromWire(0, buffer));
  }

  @Test
  void aCountOverTheBoundIsRefusedBeforeAnythingIsAllocated() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, new ResourceReport(node, Map.of(), Map.of(), 0, Map.of()));
    buffer.setInt(Integer.BYTES + UniqueId.LENGTH, Integer.MAX_VALUE); // the count of totals
    SerializationException e = assertThrows(SerializationException.class,
        () -> codec.decodeFromWire(0, buffer));
    assertTrue(e.getMessage().contains("2147483647 resources (at most 4096)"), e.getMessage());
  }

  @Test
  void aLengthPastTheBufferOrATruncatedReportIsRefused() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, new ResourceReport(node, Map.of("CPU", 1.0), Map.of(), 0, Map.of()));
    Buffer longer = buffer.copy().setInt(0, buffer.length());
    assertTrue(assertThrows(SerializationException.class, () -> codec.decodeFromWire(0, longer))
        .getMessage().contains("length"));
    Buffer truncated = buffer.getBuffer(0, buffer.length() - 3);
    truncated.setInt(0, truncated.length() - Integer.BYTES);
    assertTrue(assertThrows(SerializationException.class, () -> codec.decodeFromWire(0, truncated))
        .getMessage().contains("ends early"));
  }

  @Test
  void aNegativeOrOverlongNameLengthIsRefused() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, new ResourceReport(node, Map.of("CPU", 1.0), Map.of(), 0, Map.of()));
    int nameLengthAt = Integer.BYTES + UniqueId.LENGTH + Integer.BYTES;
    buffer.setShort(nameLengthAt, (short) -1); // 65535 unsigned
    assertTrue(assertThrows(SerializationException.class, () -> codec.decodeFromWire(0, buffer))
        .getMessage().contains("a name of 65535 bytes"));
  }

  @Test
  void aNameTooLongToSendFailsOnTheSenderNamingIt() {
    String name = "x".repeat(ResourceReportCodec.MAX_NAME_BYTES + 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        codec.encodeToWire(Buffer.buffer(), new ResourceReport(node, Map.of(name, 1.0), Map.of(), 0,
            Map.of())));
    assertTrue(e.getMessage().contains("4097 bytes"), e.getMessage());
  }
}
