package dev.jray.cluster.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.WaitResult;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code LineageDriver dir mb}: lineage reconstruction seen by a driver, in two phases, each
 * waiting for the test to SIGKILL the node named in a folder of {@code dir}.
 *
 * <ol>
 *   <li>A task asking for {@code P} returns an {@code mb} MiB byte[] (noting its node in {@code
 *       dir/made}); once it is ready, and not read, the driver prints {@code MADE} and waits for
 *       {@code dir/made-killed}; then it reads the value, rebuilt on another node.
 *   <li>A task asking for {@code P} puts an {@code mb} MiB byte[] on its node (noting it in {@code
 *       dir/put}) and returns the ref; the driver prints {@code PUT}, waits for {@code
 *       dir/put-killed}, and gets it with a 20 s timeout: a put is not rebuilt.
 * </ol>
 */
public final class LineageDriver {
  private LineageDriver() {}

  /** Writes an empty file named by the id of the node running the calling task into {@code dir}. */
  private static void noteNode(String dir) {
    try {
      Files.createFile(Path.of(dir, Fns.nodeId()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link Fns#bytes} of {@code size}, noting the node that made them in {@code dir}. */
  public static byte[] bytesNoting(String dir, int size) {
    noteNode(dir);
    return Fns.bytes(size);
  }

  /** Puts {@link Fns#bytes} of {@code size} on this node (noted in {@code dir}): returns its ref. */
  public static List<ObjectRef<byte[]>> putNoting(String dir, int size) {
    noteNode(dir);
    return List.of(Ray.put(Fns.bytes(size)));
  }

  private static void awaitFile(Path file) {
    Await.until(Time.SYSTEM, Duration.ofSeconds(120), () -> Files.exists(file));
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int size = Integer.parseInt(args[1]) << 20;
    Driver.run("lineage", () -> {
      Files.createDirectories(dir.resolve("made"));
      ObjectRef<byte[]> made = Ray.task(LineageDriver::bytesNoting, dir.resolve("made").toString(), size)
          .setResource("P", 1.0).remote();
      WaitResult<byte[]> ready = Ray.wait(List.of(made), 1, 120_000);
      Driver.check(ready.getReady().size() == 1, "the task making the value did not finish in 120 s");
      say("MADE");
      awaitFile(dir.resolve("made-killed"));
      long start = System.nanoTime();
      byte[] value = made.get(120_000);
      Driver.result("rebuild-ms", (System.nanoTime() - start) / 1_000_000);
      Driver.result("made-digest", Fns.digest(value));
      Driver.result("expected-digest", Fns.expectedDigest(size));

      Files.createDirectories(dir.resolve("put"));
      ObjectRef<byte[]> put = Ray.task(LineageDriver::putNoting, dir.resolve("put").toString(), size)
          .setResource("P", 1.0).remote().get(120_000).get(0);
      say("PUT");
      awaitFile(dir.resolve("put-killed"));
      long putStart = System.nanoTime();
      String outcome;
      try {
        outcome = "a value of " + put.get(20_000).length + " bytes";
      } catch (UnreconstructableException e) {
        outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      Driver.result("put-ms", (System.nanoTime() - putStart) / 1_000_000);
      Driver.result("put-outcome", outcome);
    });
  }
}
