package dev.jray.store;

import static dev.jray.store.TestObjects.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects far larger than the heap allows as direct memory, and as large as half the heap. */
class LargeObjectTest {
  private static final int SIZE = 512 << 20;
  private static final int CHUNK = 1 << 20;

  @TempDir Path spillRoot;

  @Test
  void streamsHalfGigabyteObjectThroughTheTestJvm() {
    try (ObjectStore store = new ObjectStore(SIZE, spillRoot)) {
      ObjectWriter writer = store.create(id(1), SIZE, true);
      byte[] chunk = new byte[CHUNK]; // the only heap this test needs
      CRC32 written = new CRC32();
      for (int offset = 0; offset < SIZE; offset += CHUNK) {
        for (int i = 0; i < CHUNK; i++) {
          chunk[i] = (byte) (offset / CHUNK + i * 7);
        }
        written.update(chunk);
        writer.write(ByteBuffer.wrap(chunk));
      }
      writer.seal();
      assertEquals(SIZE, store.usedBytes());

      try (StoredObject object = store.get(id(1))) {
        assertEquals(SIZE, object.size());
        CRC32 read = new CRC32();
        read.update(object.buffer());
        assertEquals(written.getValue(), read.getValue());
      }
    }
  }

  @Test
  void putsHalfGigabyteObjectInJvmWithOneGigabyteHeapAndTinyDirectMemory()
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx1g",
                    "-XX:MaxDirectMemorySize=16m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeObjectProbe.class.getName(),
                    Integer.toString(SIZE),
                    spillRoot.toString()))
            .redirectErrorStream(true)
            .start();
    String output;
    try {
      output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(probe.waitFor(2, TimeUnit.MINUTES), "probe did not exit");
    } finally {
      probe.destroyForcibly();
    }
    assertEquals(0, probe.exitValue(), output);
    assertTrue(output.contains("stored, spilled and restored " + SIZE + " bytes"), output);
  }
}
