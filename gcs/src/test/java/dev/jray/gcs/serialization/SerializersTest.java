package dev.jray.gcs.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerializersTest {
  private final String saved = System.getProperty(Serializers.PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(Serializers.PROPERTY);
    } else {
      System.setProperty(Serializers.PROPERTY, saved);
    }
  }

  @Test
  void defaultsToFory() {
    System.clearProperty(Serializers.PROPERTY);
    Serializer serializer = Serializers.fromSystemProperties();
    assertSame(Serializers.fory(), serializer);
    assertEquals("fory", serializer.name());
    assertTrue(serializer instanceof ForySerializer);
  }

  @Test
  void selectsForyByName() {
    System.setProperty(Serializers.PROPERTY, "fory");
    assertSame(Serializers.fory(), Serializers.fromSystemProperties());
  }

  @Test
  void selectsFst() {
    assumeFalse(
        Object.class.getModule().isOpen("java.lang", SerializersTest.class.getModule()),
        "this JVM already opens java.lang");
    System.setProperty(Serializers.PROPERTY, "fst");
    // This JVM has no --add-opens flags, so selecting FST fails fast and says what to add.
    SerializationException e =
        assertThrows(SerializationException.class, Serializers::fromSystemProperties);
    assertTrue(e.getMessage().contains("--add-opens java.base/java.lang"), e::getMessage);
  }

  @Test
  void rejectsAnUnknownNameListingTheChoices() {
    System.setProperty(Serializers.PROPERTY, "kryo");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, Serializers::fromSystemProperties);
    assertTrue(e.getMessage().contains("kryo"), e::getMessage);
    assertTrue(e.getMessage().contains("fory"), e::getMessage);
    assertTrue(e.getMessage().contains("fst"), e::getMessage);
  }
}
