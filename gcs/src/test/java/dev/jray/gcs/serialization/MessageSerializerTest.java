package dev.jray.gcs.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageSerializerTest {
  enum Kind { A, B }

  record Part(ObjectId id, byte[] value) {}

  /** A message whose fields reach other types: they are registered with it. */
  record Envelope(UniqueId from, Kind kind, List<Part> parts, Map<String, Part[]> byName)
      implements Serializable {}

  /** Counts its constructions: a refused payload must not build one. */
  record Evil(String command) {
    static final AtomicInteger BUILT = new AtomicInteger();

    Evil {
      BUILT.incrementAndGet();
    }
  }

  interface Open {}

  record HoldsOpen(Open open) {}

  sealed interface Shape permits Circle, Square {}

  record Circle(double r) implements Shape {}

  record Square(double side) implements Shape {}

  record Drawing(List<Shape> shapes) {}

  @Test
  void registersTheMessageAndWhatItsFieldsHoldAndRoundTrips() {
    MessageSerializer s = new MessageSerializer(List.of(Envelope.class));
    assertTrue(s.registered().containsAll(Set.of(Envelope.class, Kind.class, Part.class,
        ObjectId.class, UniqueId.class)), s.registered().toString());
    Part part = new Part(new ObjectId(new byte[ObjectId.LENGTH]), new byte[] {1, 2});
    Envelope e = new Envelope(IdFactory.newUniqueId(), Kind.B, List.of(part),
        Map.of("p", new Part[] {part}));

    Envelope back = (Envelope) s.deserialize(ByteBuffer.wrap(s.serialize(e)), null);

    assertEquals(e.from(), back.from());
    assertEquals(Kind.B, back.kind());
    assertEquals(part.id(), back.parts().get(0).id());
    assertEquals(2, back.byName().get("p")[0].value()[1]);
  }

  @Test
  void aPayloadNamingAnUnregisteredClassIsRefusedBeforeItIsBuilt() {
    MessageSerializer peer = new MessageSerializer(List.of(Envelope.class, Evil.class));
    MessageSerializer here = new MessageSerializer(List.of(Envelope.class));
    byte[] hostile = peer.serialize(new Evil("System.exit"));
    int built = Evil.BUILT.get();

    SerializationException e = assertThrows(SerializationException.class,
        () -> here.deserialize(hostile, null));

    assertTrue(e.getMessage().startsWith("refused a message"), e.getMessage());
    assertEquals(built, Evil.BUILT.get(), "no Evil was built");
  }

  @Test
  void sealedTypesRegisterTheirSubtypesAndOpenOnesAreRefusedUpFront() {
    MessageSerializer s = new MessageSerializer(List.of(Drawing.class));
    assertTrue(s.registered().containsAll(Set.of(Circle.class, Square.class)));
    Drawing d = new Drawing(List.of(new Circle(1), new Square(2)));
    assertEquals(d, s.deserialize(s.serialize(d), null));

    IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
        () -> new MessageSerializer(List.of(HoldsOpen.class)));
    assertTrue(open.getMessage().contains("which is open"), open.getMessage());
  }

  @Test
  void typesRegisteredInAnotherOrderOrWithMoreStillReadEachOther() {
    MessageSerializer one = new MessageSerializer(List.of(Envelope.class, Drawing.class));
    MessageSerializer other = new MessageSerializer(List.of(Drawing.class));
    Drawing d = new Drawing(List.of(new Square(3)));

    assertEquals(d, other.deserialize(one.serialize(d), null));
  }
}
