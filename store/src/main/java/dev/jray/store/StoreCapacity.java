package dev.jray.store;

import java.lang.management.ManagementFactory;

/**
 * How much memory a node's object store may hold when its deployment does not say: 30% of the
 * machine's physical memory, or the system property {@value #PROPERTY}.
 *
 * <p>Threading: stateless; reads the system property and the OS's memory size on each call.
 */
public final class StoreCapacity {
  /** System property overriding {@link #defaultCapacity()}, in bytes. */
  public static final String PROPERTY = "jray.object-store-memory";

  private static final double DEFAULT_MEMORY_FRACTION = 0.3;

  private StoreCapacity() {}

  /**
   * 30% of physical memory, or the value of system property {@value #PROPERTY} in bytes.
   *
   * @throws IllegalArgumentException if the property is not a positive number of bytes
   */
  public static long defaultCapacity() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null) {
      long bytes;
      try {
        bytes = Long.parseLong(configured.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            PROPERTY + " must be a number of bytes, got '" + configured + "'", e);
      }
      if (bytes <= 0) {
        throw new IllegalArgumentException(PROPERTY + " must be positive, got " + bytes);
      }
      return bytes;
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return (long) (os.getTotalMemorySize() * DEFAULT_MEMORY_FRACTION);
  }
}
