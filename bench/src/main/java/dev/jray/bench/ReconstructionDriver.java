package dev.jray.bench;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.bench.remote.BenchFunctions;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code ReconstructionDriver KILLED_FILE}: the driver of the reconstruction rows, in a JVM of its
 * own started by {@link CrossNode} with {@code -Djray.address} set. Times a 100 MB task result
 * made on the node with {@link #RESOURCE} and read (computed); makes a second one, prints {@link
 * #READY} and waits for {@code KILLED_FILE} (the parent SIGKILLs that node meanwhile), then times
 * reading it, which rebuilds it from its lineage (rebuilt). Prints a {@code BENCH-ROW} line each.
 */
public final class ReconstructionDriver {
  /** The resource that puts the 100 MB tasks on the node to be killed (and then on the survivor). */
  static final String RESOURCE = "bench_lineage";
  static final String READY = "RECONSTRUCTION-READY";
  private static final int SIZE = 100 << 20;
  private static final long TIMEOUT_MS = 300_000;

  private ReconstructionDriver() {}

  public static void main(String[] args) {
    Path killed = Path.of(args[0]);
    Ray.init();
    try {
      print(RowSpec.RECONSTRUCTION_COMPUTED, Measure.seconds(() -> read(make())));
      ObjectRef<byte[]> lost = make();
      if (Ray.wait(List.of(lost), 1, (int) TIMEOUT_MS).getReady().isEmpty()) {
        throw new IllegalStateException("the second 100 MB result was not made within " + TIMEOUT_MS + " ms");
      }
      System.out.println(READY);
      System.out.flush();
      Await.until(Time.SYSTEM, Duration.ofMillis(TIMEOUT_MS), () -> Files.exists(killed));
      print(RowSpec.RECONSTRUCTION_REBUILT, Measure.seconds(() -> read(lost)));
    } catch (RuntimeException e) {
      print(RowSpec.RECONSTRUCTION_REBUILT, Figure.failed(e));
    } finally {
      Ray.shutdown();
    }
    System.exit(0);
  }

  private static ObjectRef<byte[]> make() {
    return Ray.task(BenchFunctions::bytes, SIZE).setResource(RESOURCE, 1.0).remote();
  }

  private static void read(ObjectRef<byte[]> ref) {
    byte[] value = ref.get(TIMEOUT_MS);
    if (value.length != SIZE || value[SIZE - 1] != 1) {
      throw new IllegalStateException("read " + value.length + " bytes, not the " + SIZE + " made");
    }
  }

  private static void print(RowSpec row, Figure figure) {
    System.out.println(CrossNodeDriver.ROW_PREFIX + new JsonObject().put("name", row.name())
        .put("figure", figure.toJson()).encode());
    System.out.flush();
  }
}
