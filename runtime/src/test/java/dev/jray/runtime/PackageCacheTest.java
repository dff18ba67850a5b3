package dev.jray.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.time.ManualTime;
import dev.jray.gcs.time.Time;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCacheTest {
  @TempDir Path dir;
  private final byte[] jar = jarHolding("greeting.txt", "hello from the job");
  private final String id = PackageCache.sha256(jar);
  private final AtomicInteger fetches = new AtomicInteger();

  /** A source that answers with {@code answers} in turn, the last one from then on. */
  private Function<String, byte[]> source(byte[]... answers) {
    Deque<byte[]> left = new ArrayDeque<>(List.of(answers));
    return requested -> {
      fetches.incrementAndGet();
      return requested.equals(id) ? (left.size() > 1 ? left.poll() : left.peek()) : null;
    };
  }

  @Test
  void aFetchedPackageIsKeptInAnOwnerOnlyDirectoryAndItsClassesLoad() throws Exception {
    PackageCache cache = new PackageCache(dir.resolve("cache/packages"), source(jar), Time.SYSTEM);

    ClassLoader loader = cache.classLoader(List.of(id), null);

    try (InputStream in = loader.getResourceAsStream("greeting.txt")) {
      assertEquals("hello from the job", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("cache/packages"))));
    assertArrayEquals(jar, Files.readAllBytes(dir.resolve("cache/packages/" + id + ".jar")));
    cache.jar(id);
    assertEquals(1, fetches.get(), "a cache hit that matches its hash is not fetched again");
  }

  @Test
  void aCachedJarChangedOnDiskIsFetchedAgain() throws Exception {
    PackageCache cache = new PackageCache(dir.resolve("packages"), source(jar), Time.SYSTEM);
    Path file = cache.jar(id);
    Files.write(file, jarHolding("greeting.txt", "planted by someone else"));

    assertEquals(file, cache.jar(id));

    assertArrayEquals(jar, Files.readAllBytes(file));
    assertEquals(2, fetches.get());
  }

  @Test
  void aPackageThatDoesNotMatchItsIdIsFetchedOnceMoreThenRefusedByName() {
    byte[] forged = jarHolding("greeting.txt", "forged");
    PackageCache cache = new PackageCache(dir.resolve("packages"), source(forged), Time.SYSTEM);

    SecurityException e = assertThrows(SecurityException.class, () -> cache.jar(id));

    assertTrue(e.getMessage().contains("code package " + id), e.getMessage());
    assertTrue(e.getMessage().contains(PackageCache.sha256(forged)), e.getMessage());
    assertEquals(2, fetches.get(), "one fetch, then one more");
    assertFalse(Files.exists(dir.resolve("packages/" + id + ".jar")), "nothing was cached");
  }

  @Test
  void aMismatchFollowedByTheRightBytesLoads() throws Exception {
    PackageCache cache = new PackageCache(dir.resolve("packages"),
        source(jarHolding("greeting.txt", "garbled in transit"), jar), Time.SYSTEM);

    assertArrayEquals(jar, Files.readAllBytes(cache.jar(id)));
    assertEquals(2, fetches.get());
  }

  @Test
  void anIdThatIsNotASha256IsRefusedBeforeAnythingIsFetched() {
    PackageCache cache = new PackageCache(dir.resolve("packages"), source(jar), Time.SYSTEM);

    SecurityException e = assertThrows(SecurityException.class,
        () -> cache.jar("../../../etc/cron.d/evil"));

    assertTrue(e.getMessage().contains("'../../../etc/cron.d/evil'"), e.getMessage());
    assertEquals(0, fetches.get());
  }

  @Test
  void pruneDeletesOnlyCollectedUnusedJarsUnusedForTheGrace() throws Exception {
    ManualTime time = new ManualTime();
    byte[] otherJar = jarHolding("other.txt", "another job");
    String other = PackageCache.sha256(otherJar);
    Map<String, byte[]> gcsPackages = new HashMap<>(Map.of(id, jar, other, otherJar));
    PackageCache cache = new PackageCache(dir.resolve("packages"), gcsPackages::get, time);
    Path jarFile = cache.jar(id);
    Path otherFile = cache.jar(other);
    Path part = Files.writeString(dir.resolve("packages/" + id + ".jar123.part"), "a dead fetch's");
    Files.setLastModifiedTime(part, FileTime.fromMillis(time.milliseconds()));
    Duration grace = Duration.ofMinutes(10);

    time.advance(grace.minusSeconds(1));
    assertEquals(List.of(), cache.prune(Set.of(), k -> false, grace), "fetched within the grace");
    time.advance(Duration.ofSeconds(1));
    assertEquals(List.of(), cache.prune(Set.of(id), gcsPackages::containsKey, grace),
        "one used here, the other still in the GCS");
    assertFalse(Files.exists(part), "a dead fetch's leftover goes once old");
    gcsPackages.remove(other);
    assertEquals(List.of(other), cache.prune(Set.of(id), gcsPackages::containsKey, grace));

    assertTrue(Files.exists(jarFile), "used here");
    assertFalse(Files.exists(otherFile));
  }

  @Test
  void aCacheHitCountsAsAUseForPrune() throws Exception {
    ManualTime time = new ManualTime();
    PackageCache cache = new PackageCache(dir.resolve("packages"), source(jar), time);
    Path file = cache.jar(id);
    Duration grace = Duration.ofMinutes(10);
    time.advance(grace.plusMinutes(1));

    cache.jar(id);
    assertEquals(List.of(), cache.prune(Set.of(), k -> false, grace), "hit just now");
    time.advance(grace);
    assertEquals(List.of(id), cache.prune(Set.of(), k -> false, grace));
    assertFalse(Files.exists(file));
  }

  @Test
  void aMissingPackageIsNamed() {
    PackageCache cache = new PackageCache(dir.resolve("packages"), source(jar), Time.SYSTEM);
    String other = "ab".repeat(32);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.jar(other));

    assertTrue(e.getMessage().contains(other), e.getMessage());
  }

  @Test
  void aDirectoryOpenToOtherUsersIsRefused() throws Exception {
    Path open = Files.createDirectory(dir.resolve("shared"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    PackageCache cache = new PackageCache(open, source(jar), Time.SYSTEM);

    SecurityException e = assertThrows(SecurityException.class, () -> cache.jar(id));

    assertTrue(e.getMessage().contains(open.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("open to other users"), e.getMessage());
    assertEquals(0, fetches.get());
  }

  @Test
  void aDirectoryReachedThroughASymbolicLinkIsRefused() throws Exception {
    Path target = Files.createDirectory(dir.resolve("elsewhere"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(dir.resolve("packages"), target);

    SecurityException e = assertThrows(SecurityException.class,
        () -> new PackageCache(link, source(jar), Time.SYSTEM).jar(id));

    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
  }

  @Test
  void theDefaultDirectoryIsPerUserAndMovedByTheProperty() {
    System.clearProperty(PackageCache.DIRECTORY_PROPERTY);
    Path home = Path.of(System.getProperty("user.home"));
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
        ? Path.of(xdg) : home.resolve(".cache");
    assertEquals(base.resolve("jray/packages"), PackageCache.defaultDirectory());
    try {
      System.setProperty(PackageCache.DIRECTORY_PROPERTY, dir.toString());
      assertEquals(dir, PackageCache.defaultDirectory());
    } finally {
      System.clearProperty(PackageCache.DIRECTORY_PROPERTY);
    }
  }

  private static byte[] jarHolding(String name, String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(text.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }
}
