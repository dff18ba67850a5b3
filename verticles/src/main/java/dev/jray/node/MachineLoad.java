package dev.jray.node;

import dev.jray.gcs.NodeLoad;
import java.lang.management.ManagementFactory;

/**
 * The machine's CPU utilization and memory as the JVM's operating-system bean sees them (a
 * container's limits inside one), for the {@link NodeLoad} each node reports. Thread-safe: each
 * call reads the bean.
 */
final class MachineLoad {
  /** Null where the JVM has no com.sun.management bean: the values are then unknown. */
  private static final com.sun.management.OperatingSystemMXBean OS =
      ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os : null;

  private MachineLoad() {}

  /** The machine's recent CPU load, 0 to 1, or {@link NodeLoad#UNKNOWN}. */
  static double cpuUtilization() {
    double load = OS == null ? NodeLoad.UNKNOWN : OS.getCpuLoad();
    return load < 0 || Double.isNaN(load) ? NodeLoad.UNKNOWN : Math.min(1, load);
  }

  /** The machine's memory in use, or 0 if not known. */
  static long memoryUsedBytes() {
    return OS == null ? 0 : Math.max(0, OS.getTotalMemorySize() - OS.getFreeMemorySize());
  }

  /** The machine's memory, or 0 if not known. */
  static long memoryTotalBytes() {
    return OS == null ? 0 : OS.getTotalMemorySize();
  }
}
