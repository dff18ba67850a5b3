package dev.jray.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.Ray;
import org.junit.jupiter.api.Test;

/** Where a driver's {@code Ray.init()} goes: {@code -Djray.address}, else {@code JRAY_ADDRESS}. */
class DriverAddressTest {
  @Test
  void thePropertyComesBeforeTheVariableAndBothAreReadAsHostAndPort() {
    assertEquals("[::1]:7000", JrayRuntime.clusterAddress(" [::1]:7000 ", "10.0.0.1:6379"));
    assertEquals("10.0.0.1:6379", JrayRuntime.clusterAddress(null, "10.0.0.1"));
    assertNull(JrayRuntime.clusterAddress(null, " "), "blank: an embedded node");
    assertNull(JrayRuntime.clusterAddress(null, null));
  }

  @Test
  void aVariableThatIsNotAnAddressIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JrayRuntime.clusterAddress(null, "::1:6379"));
    assertTrue(e.getMessage().startsWith("JRAY_ADDRESS: '::1:6379' is not an address HOST:PORT"),
        e.getMessage());
  }

  @Test
  void rayInitWithAPropertyThatIsNotAnAddressFailsNamingItAndStartsNothing() {
    System.setProperty(JrayRuntime.ADDRESS_PROPERTY, "head:port");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Ray::init);
      assertTrue(e.getMessage().startsWith("-Djray.address: 'head:port' is not an address"),
          e.getMessage());
      assertTrue(e.getMessage().contains("port 'port' is not a number"), e.getMessage());
      assertFalse(Ray.isInitialized());
    } finally {
      System.clearProperty(JrayRuntime.ADDRESS_PROPERTY);
    }
  }
}
