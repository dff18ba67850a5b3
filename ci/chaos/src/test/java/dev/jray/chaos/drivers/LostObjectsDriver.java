package dev.jray.chaos.drivers;

import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.exception.UnreconstructableException;
import dev.jray.chaos.ChaosDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code LostObjectsDriver dir count mb putTimeoutMs}: objects lost with their node, seen by a
 * driver. First {@code count} tasks asking for {@code P} each return an {@code mb} MiB byte[],
 * noting their node in {@code dir/made-<i>/}; once all are made (none read), {@code STEP made},
 * and the test kills the node that made the first; then every value is read and checked
 * ({@code RESULT made-right}). Then a task asking for {@code P} puts an {@code mb} MiB byte[] on
 * its node (noted in {@code dir/put/}) and returns only its ref; {@code STEP put}, the test kills
 * that node, and the get with a {@code putTimeoutMs} timeout says what it got ({@code RESULT
 * put-outcome}, {@code put-ms}).
 */
public final class LostObjectsDriver {
  private static final Duration STEP_WAIT = Duration.ofMinutes(3);
  private static final long GET_TIMEOUT_MS = 180_000;

  private LostObjectsDriver() {}

  /** The byte at {@code i} of every array made here. */
  private static byte pattern(int i) {
    return (byte) (i % 251);
  }

  private static byte[] filled(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = pattern(i);
    }
    return b;
  }

  private static boolean right(byte[] b, int size) {
    if (b.length != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (b[i] != pattern(i)) {
        return false;
      }
    }
    return true;
  }

  /** Writes an empty file named by the id of the node running the calling task into {@code dir}. */
  private static void noteNode(String dir) {
    try {
      Files.createDirectories(Path.of(dir));
      Files.createFile(Path.of(dir, Ray.getRuntimeContext().getCurrentNodeId().toHex()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code size}-byte array, made on a node noted in {@code dir}. */
  public static byte[] make(String dir, int size) {
    noteNode(dir);
    return filled(size);
  }

  /** Puts a {@code size}-byte array on this node (noted in {@code dir}); returns only its ref. */
  public static List<ObjectRef<byte[]>> put(String dir, int size) {
    noteNode(dir);
    return List.of(Ray.put(filled(size)));
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]) << 20;
    long putTimeoutMs = Long.parseLong(args[3]);
    ChaosDriver.run("lost-objects", () -> {
      List<ObjectRef<byte[]>> made = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        made.add(Ray.task(LostObjectsDriver::make, dir.resolve("made-" + i).toString(), size)
            .setResource("P", 1.0).remote());
      }
      ChaosDriver.check(Ray.wait(made, count, (int) GET_TIMEOUT_MS).getReady().size() == count,
          "the " + count + " values were not made in " + GET_TIMEOUT_MS + " ms");
      ChaosDriver.step("made");
      ChaosDriver.awaitGo(dir.resolve("made-killed"), STEP_WAIT);
      int right = 0;
      long start = System.nanoTime();
      for (ObjectRef<byte[]> ref : made) {
        right += right(ref.get(GET_TIMEOUT_MS), size) ? 1 : 0;
      }
      ChaosDriver.result("made-right", right);
      ChaosDriver.result("made-read-ms", (System.nanoTime() - start) / 1_000_000);

      ObjectRef<byte[]> put = Ray.task(LostObjectsDriver::put, dir.resolve("put").toString(), size)
          .setResource("P", 1.0).remote().get(GET_TIMEOUT_MS).get(0);
      ChaosDriver.step("put");
      ChaosDriver.awaitGo(dir.resolve("put-killed"), STEP_WAIT);
      long putStart = System.nanoTime();
      String outcome;
      try {
        outcome = "a value of " + put.get(putTimeoutMs).length + " bytes";
      } catch (UnreconstructableException e) {
        outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      ChaosDriver.result("put-ms", (System.nanoTime() - putStart) / 1_000_000);
      ChaosDriver.result("put-outcome", outcome);
    });
  }
}
