package dev.jray.store.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB object pulled between two nodes in a child JVM with a 256 MiB heap and 64 MiB of direct
 * memory: it can only pass if neither side ever holds the object, or a large part of it, in a
 * Java buffer, i.e. if the client streams into its store and the server respects back-pressure.
 */
class LargeTransferTest {
  private static final int SIZE = 1 << 30;

  @TempDir Path spillRoot;

  @Test
  void pullsOneGibibyteObjectThroughSmallHeap() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
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
                    spillRoot.toString()))
            .redirectErrorStream(true)
            .start();
    String output;
    try {
      output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(probe.waitFor(3, TimeUnit.MINUTES), "probe did not exit");
    } finally {
      probe.destroyForcibly();
    }
    System.out.println("large transfer probe: " + output.strip());
    assertEquals(0, probe.exitValue(), output);
    assertTrue(output.contains("pulled " + SIZE + " bytes"), output);
  }
}
