package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.InMemoryGcs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobPackagesTest {
  @TempDir Path dir;
  private final InMemoryGcs gcs = new InMemoryGcs();

  @AfterEach
  void clearLimit() {
    System.clearProperty(JobPackages.MAX_PACKAGE_BYTES_PROPERTY);
  }

  @Test
  void aClassFolderIsStoredOnceUnderTheHashOfItsContent() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes/a"));
    Files.write(classes.resolve("A.class"), new byte[] {1, 2, 3});

    List<String> first = JobPackages.upload(gcs, List.of(dir.resolve("classes")));
    List<String> second = JobPackages.upload(gcs, List.of(dir.resolve("classes")));

    assertEquals(first, second);
    assertEquals(1, gcs.kv().snapshot().size());
    Files.write(classes.resolve("B.class"), new byte[] {4});
    assertNotEquals(first, JobPackages.upload(gcs, List.of(dir.resolve("classes"))));
  }

  @Test
  void anEntryOverTheLimitIsRefusedByNameBeforeAnythingIsUploaded() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Files.write(small.resolve("A.class"), new byte[10]);
    Path big = Files.createDirectories(dir.resolve("big/data"));
    Files.write(big.resolve("blob.bin"), new byte[2_000]);
    System.setProperty(JobPackages.MAX_PACKAGE_BYTES_PROPERTY, "1000");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobPackages.upload(gcs, List.of(small, dir.resolve("big"))));

    assertTrue(e.getMessage().contains(dir.resolve("big").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("2000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains(JobPackages.MAX_PACKAGE_BYTES_PROPERTY), e.getMessage());
    assertEquals(0, gcs.kv().snapshot().size());
  }

  @Test
  void aLimitThatIsNotAPositiveNumberIsRefused() {
    System.setProperty(JobPackages.MAX_PACKAGE_BYTES_PROPERTY, "lots");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobPackages.upload(gcs, List.of()));
    assertTrue(e.getMessage().contains("'lots'"), e.getMessage());
  }
}
