package dev.jray.store.transfer;

import dev.jray.store.TestObjects;

import static dev.jray.store.transfer.TestSupport.await;

import dev.jray.api.id.ObjectId;
import dev.jray.gcs.time.Time;
import dev.jray.store.ObjectStore;
import dev.jray.store.ObjectWriter;
import dev.jray.store.StoredObject;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Pulls one large object between two nodes (two Vertx instances, two stores) in this JVM and
 * checks both copies' CRC32; {@link LargeTransferTest} runs it in a child JVM whose heap is far
 * smaller than the object. Prints the throughput of the large pull, measured after a smaller
 * warm-up pull; exits non-zero on any failure or mismatch.
 */
final class LargeTransferProbe {
  private static final int WARM_UP_SIZE = 128 << 20;

  private LargeTransferProbe() {}

  public static void main(String[] args) {
    try {
      run(Integer.parseInt(args[0]), Path.of(args[1]));
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1); // Vert.x's threads would keep a failed probe alive
    }
  }

  private static void run(int size, Path spillRoot) throws Exception {
    ObjectId id = TestObjects.id(1);
    ObjectId warmUp = TestObjects.id(2);
    long capacity = (long) size + WARM_UP_SIZE;
    Vertx serverVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try (ObjectStore source = new ObjectStore(capacity, spillRoot.resolve("source"));
        ObjectStore target = new ObjectStore(capacity, spillRoot.resolve("target"))) {
      long written = fill(source, id, size);
      fill(source, warmUp, WARM_UP_SIZE);
      ObjectTransferServer server =
          await(ObjectTransferServer.start(serverVertx, source, "127.0.0.1", 0, TestSupport.TOKEN,
              null, TestSupport.SERVER_NODE, Time.SYSTEM));
      ObjectTransferClient client = new ObjectTransferClient(clientVertx, TestSupport.TOKEN,
          null, TestSupport.CLIENT_NODE, Time.SYSTEM);
      // Lets the JIT compile the transfer path first, so the measurement shows the steady state.
      await(client.pull("127.0.0.1", server.port(), warmUp, target, false));
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      await(client.pull("127.0.0.1", server.port(), id, target, false));
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;

      long peakHeap = peakHeapBytes();
      check(checksum(source, id) == written, "source checksum changed");
      check(checksum(target, id) == written, "target checksum differs from source");
      await(client.close());
      await(server.close());
      System.out.printf(
          "pulled %d bytes in %.3f s: %.2f GB/s, using %.2f s of CPU (both nodes);"
              + " peak heap during the pull at most %d MiB (-Xmx %d MiB); crc %08x%n",
          size,
          seconds,
          size / seconds / 1e9,
          cpuSeconds,
          peakHeap >> 20,
          Runtime.getRuntime().maxMemory() >> 20,
          written);
    } finally {
      await(clientVertx.close());
      await(serverVertx.close());
    }
  }

  /** Writes a pattern into a new object, 1 MiB at a time, and returns its CRC32. */
  private static long fill(ObjectStore store, ObjectId id, int size) {
    ObjectWriter writer = store.create(id, size, true);
    byte[] chunk = new byte[1 << 20];
    CRC32 crc = new CRC32();
    for (int offset = 0; offset < size; offset += chunk.length) {
      int length = Math.min(chunk.length, size - offset);
      for (int i = 0; i < length; i++) {
        chunk[i] = (byte) ((offset + i) * 31 + ((offset + i) >>> 17));
      }
      crc.update(chunk, 0, length);
      writer.write(ByteBuffer.wrap(chunk, 0, length));
    }
    writer.seal();
    return crc.getValue();
  }

  private static long checksum(ObjectStore store, ObjectId id) {
    try (StoredObject object = store.get(id)) {
      check(object != null, "object " + id + " missing");
      CRC32 crc = new CRC32();
      crc.update(object.buffer()); // reads the mapping directly, no heap copy
      return crc.getValue();
    }
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    return os.getProcessCpuTime();
  }

  /** An upper bound: the sum of each heap pool's own peak. */
  private static long peakHeapBytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getPeakUsage().getUsed())
        .sum();
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("large transfer probe failed: " + what);
    }
  }
}
