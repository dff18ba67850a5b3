package dev.jray.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * A full GC ({@code System.gc()}) that leaves the heap's size alone. After a full GC, G1 and
 * Parallel give back heap above {@code MaxHeapFreeRatio} percent free (70 by default), and heap
 * given back costs a page fault per 4 KiB page when the application allocates it again: on VMs
 * that runs at a fraction of copy speed (0.2 GB/s here), so the next large array would pay for a
 * GC jray asked for. The flag is manageable: it is raised to 100 for the duration of the GC only.
 * Without the HotSpot bean (another JVM), it just collects.
 *
 * <p>Thread-safe and blocking: callers are serialized, so no caller restores the flag while
 * another one's GC runs.
 */
final class HeapKeepingGc {
  private static final String FLAG = "MaxHeapFreeRatio";
  private static final String KEEP_ALL = "100";
  private static final HotSpotDiagnosticMXBean HOTSPOT = hotspot();

  private HeapKeepingGc() {}

  /** Collects the whole heap; returns once the GC is over. */
  static synchronized void run() {
    String previous = HOTSPOT == null ? null : set(KEEP_ALL);
    try {
      System.gc();
    } finally {
      if (previous != null) {
        set(previous);
      }
    }
  }

  /** Sets the flag; returns its previous value, or null if it could not be set. */
  private static String set(String value) {
    try {
      String previous = HOTSPOT.getVMOption(FLAG).getValue();
      HOTSPOT.setVMOption(FLAG, value);
      return previous;
    } catch (RuntimeException e) {
      return null; // not settable in this JVM (or below MinHeapFreeRatio): collect as it is
    }
  }

  private static HotSpotDiagnosticMXBean hotspot() {
    try {
      return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
