package dev.jray.store.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB object pulled between two nodes in a child JVM with a 256 MiB heap and 64 MiB of direct
 * memory: it can only pass if neither side ever holds the object, or a large part of it, in a
 * Java buffer, i.e. if both sides move the bytes between the socket and their stores directly.
 */
class LargeTransferTest {
  private static final int SIZE = 1 << 30;

  @TempDir Path workDir;

  @Test
  void pullsOneGibibyteObjectThroughSmallHeap() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // To a file rather than a pipe, so a hung probe cannot block the test past its timeout.
    Path log = workDir.resolve("probe.log");
    Process probe =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx256m",
                    "-XX:MaxDirectMemorySize=64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeTransferProbe.class.getName(),
                    Integer.toString(SIZE),
                    workDir.resolve("stores").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertTrue(
          probe.waitFor(3, TimeUnit.MINUTES), "probe did not exit: " + Files.readString(log));
    } finally {
      probe.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("large transfer probe: " + output.strip());
    assertEquals(0, probe.exitValue(), output);
    assertTrue(output.contains("pulled " + SIZE + " bytes"), output);
  }
}
