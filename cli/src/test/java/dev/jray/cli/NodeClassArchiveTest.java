package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClassArchiveTest {
  @TempDir Path tmp;
  private Path cache;

  @BeforeEach
  void useTempCache() {
    cache = tmp.resolve("cache");
    System.setProperty(NodeClassArchive.CACHE_PROPERTY, cache.toString());
  }

  @AfterEach
  void restore() {
    System.clearProperty(NodeClassArchive.CACHE_PROPERTY);
    System.clearProperty(NodeClassArchive.ENABLED_PROPERTY);
  }

  private Path jar(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  @Test
  void nodesRunFromOneCachedCopyPerJarContentWhereverTheJarLives() throws IOException {
    byte[] content = {1, 2, 3, 4};
    Path jar = jar("jray.jar", content);
    Path copy = Files.createDirectories(tmp.resolve("elsewhere")).resolve("jray.jar");
    Files.write(copy, content);
    Files.setLastModifiedTime(copy, FileTime.fromMillis(1_000)); // a copy made later, as the bench's

    NodeClassArchive a = NodeClassArchive.forJar(jar).orElseThrow();
    NodeClassArchive b = NodeClassArchive.forJar(copy).orElseThrow();
    assertEquals(a.jar(), b.jar(), "the same content is the same version");
    assertTrue(a.jar().startsWith(cache));
    assertArrayEquals(content, Files.readAllBytes(a.jar()));

    NodeClassArchive other = NodeClassArchive.forJar(jar("other.jar", new byte[] {9})).orElseThrow();
    assertFalse(other.jar().equals(a.jar()), "another build is another version");
  }

  @Test
  void aNodeRunningFromTheCachedCopyFindsItsArchiveBesideIt() throws IOException {
    Path jar = jar("jray.jar", new byte[] {7, 7});
    NodeClassArchive cached = NodeClassArchive.forJar(jar).orElseThrow();
    Files.write(cached.jar().resolveSibling("node.jsa"), new byte[] {1});

    NodeClassArchive running = NodeClassArchive.ofRunningJar(cached.jar()).orElseThrow();
    assertEquals(cached.jar(), running.jar(), "no second copy of the cached jar");
    assertEquals(List.of("-XX:SharedArchiveFile=" + cached.jar().resolveSibling("node.jsa")),
        running.useOptions().subList(0, 1));
    assertEquals(cached.jar(), NodeClassArchive.ofRunningJar(jar).orElseThrow().jar(),
        "a jar elsewhere is copied to the cache as forJar does");
  }

  @Test
  void anArchiveIsUsedOnlyOnceADumpWasAdopted() throws IOException {
    NodeClassArchive a = NodeClassArchive.forJar(jar("jray.jar", new byte[] {5})).orElseThrow();
    assertFalse(a.exists());
    assertEquals(List.of(), a.useOptions(), "nothing to map yet");
    Path dump = a.dumpFile();
    assertTrue(a.dumpOptions(dump).contains("-XX:ArchiveClassesAtExit=" + dump));

    a.adopt(dump); // the node JVM wrote nothing (it was killed): no archive
    assertFalse(a.exists());

    Files.write(dump, new byte[] {1});
    a.adopt(dump);
    assertTrue(a.exists());
    assertFalse(Files.exists(dump));
    assertTrue(a.useOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=")));

    Path second = a.dumpFile();
    Files.write(second, new byte[] {2});
    a.adopt(second); // a second node's dump: the first archive stays, the dump goes
    assertFalse(Files.exists(second));
  }

  @Test
  void aDumpNoLauncherAdoptedIsAdoptedOnceSettled() throws IOException {
    Path jar = jar("jray.jar", new byte[] {6});
    NodeClassArchive a = NodeClassArchive.forJar(jar).orElseThrow();
    Path fresh = a.dumpFile();
    Files.write(fresh, new byte[] {1}); // a background node may still be writing it
    assertFalse(NodeClassArchive.forJar(jar).orElseThrow().exists());

    Files.setLastModifiedTime(fresh, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    assertTrue(NodeClassArchive.forJar(jar).orElseThrow().exists());
    assertFalse(Files.exists(fresh));
  }

  @Test
  void onlyTheNewestVersionsStayCached() throws IOException {
    for (int i = 0; i < 5; i++) {
      NodeClassArchive a = NodeClassArchive.forJar(jar("v" + i + ".jar", new byte[] {(byte) i})).orElseThrow();
      Files.setLastModifiedTime(a.jar().getParent(), FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    try (Stream<Path> dirs = Files.list(cache.resolve("nodes"))) {
      assertEquals(3, dirs.count());
    }
  }

  @Test
  void offWhenAskedOrNotRunFromAJar() throws IOException {
    assertTrue(NodeClassArchive.forJar(Files.createDirectories(tmp.resolve("classes"))).isEmpty());
    System.setProperty(NodeClassArchive.ENABLED_PROPERTY, "false");
    assertTrue(NodeClassArchive.forJar(jar("jray.jar", new byte[] {1})).isEmpty());
  }
}
