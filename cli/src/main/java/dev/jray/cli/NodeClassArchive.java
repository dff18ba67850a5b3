package dev.jray.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of a node's classes (the JDK's AppCDS), so that a node JVM maps
 * Hazelcast's, Vert.x's and jray's classes instead of loading and verifying them one by one: on
 * 2 cores a worker is up in 1.6-1.8 s instead of 3.3-3.7 s, half of which is class loading.
 *
 * <p>An archive is only valid for the jar path it was made with, so nodes run from a copy of
 * {@code jray.jar} in the user's cache ({@code ~/.cache/jray/nodes/<version key>/}), wherever
 * the jar given to {@code java -jar} lives. The archive is written by the JVM of the first node
 * of that version when it exits ({@code -XX:ArchiveClassesAtExit}), and adopted by its launcher
 * (a foreground one) or by the next {@code jray start} (after a node in the background); every
 * later node maps it. An archive the JVM cannot use (another JDK build) is ignored, silently.
 *
 * <p>Off with {@code -Djray.class-archive=false}; also off when jray does not run from a jar or
 * the cache is not writable. Not thread-safe; used by one command.
 */
final class NodeClassArchive {
  private static final Logger LOG = LoggerFactory.getLogger(NodeClassArchive.class);
  /** {@code false} turns the archive (and running nodes from the cached jar) off. */
  static final String ENABLED_PROPERTY = "jray.class-archive";
  /** Where the cached jars and archives live; default {@code ~/.cache/jray}. */
  static final String CACHE_PROPERTY = "jray.cache-dir";
  private static final String ARCHIVE = "node.jsa";
  private static final String DUMP_SUFFIX = ".dump";
  /** A JVM writes its archive in a second or two as it exits: a dump this old is whole. */
  private static final long DUMP_SETTLED_MILLIS = 60_000;
  /** Versions kept in the cache. */
  private static final int KEEP = 3;
  /** The JVM's own CDS messages: a stale or foreign archive is not worth a warning per node. */
  private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  private final Path jar;
  private final Path archive;

  private NodeClassArchive(Path jar, Path archive) {
    this.jar = jar;
    this.archive = archive;
  }

  /**
   * The archive for the running {@code jray.jar}, its cached copy made if missing; empty if off
   * or not possible.
   */
  static Optional<NodeClassArchive> forJar(Path runningJar) {
    if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))
        || !Files.isRegularFile(runningJar)) {
      return Optional.empty();
    }
    try {
      Path nodes = cacheDir().resolve("nodes");
      Path dir = nodes.resolve(versionKey(runningJar));
      Path cached = dir.resolve("jray.jar");
      if (!Files.isRegularFile(cached) || Files.size(cached) != Files.size(runningJar)) {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "jray-", ".jar.tmp");
        Files.copy(runningJar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(nodes);
      }
      NodeClassArchive archive = new NodeClassArchive(cached, dir.resolve(ARCHIVE));
      archive.adoptFinishedDumps();
      return Optional.of(archive);
    } catch (IOException | RuntimeException e) {
      LOG.debug("no class archive for nodes: {}", e.getMessage(), e);
      return Optional.empty();
    }
  }

  /**
   * As {@link #forJar}, but a jar that is already a cached copy (a node JVM runs from one) gives
   * the archive beside it without hashing the jar again.
   */
  static Optional<NodeClassArchive> ofRunningJar(Path runningJar) {
    Path jar = runningJar.toAbsolutePath().normalize();
    Path dir = jar.getParent();
    boolean cachedCopy = dir != null && "jray.jar".equals(jar.getFileName().toString())
        && cacheDir().resolve("nodes").toAbsolutePath().normalize().equals(dir.getParent());
    if (cachedCopy && Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
      return Optional.of(new NodeClassArchive(jar, dir.resolve(ARCHIVE)));
    }
    return forJar(runningJar);
  }

  private static Path cacheDir() {
    String dir = System.getProperty(CACHE_PROPERTY);
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "jray");
  }

  /**
   * The jar's content and the JVM's build: an archive fits only that combination. A checksum, not
   * the jar's time: a copy of the same jar (as the microbenchmark and the tests make) is the same
   * version.
   */
  private static String versionKey(Path jar) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream in = Files.newInputStream(jar)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    String jvm = System.getProperty("java.vm.version") + "|" + System.getProperty("java.home");
    return Long.toHexString(crc.getValue()) + "-" + Long.toHexString(Files.size(jar)) + "-"
        + Integer.toHexString(jvm.hashCode());
  }

  /** Deletes all but the newest {@link #KEEP} versions: each holds a jar and an archive (~75 MB). */
  private static void prune(Path nodes) {
    try (Stream<Path> dirs = Files.list(nodes)) {
      List<Path> old = dirs.filter(Files::isDirectory)
          .sorted(Comparator.comparing(NodeClassArchive::modified).reversed())
          .skip(KEEP).toList();
      for (Path dir : old) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f); // a node still running from it keeps its open files
          }
        }
        Files.deleteIfExists(dir);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("pruning old node class archives: {}", e.getMessage(), e);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** The copy of {@code jray.jar} nodes run from. */
  Path jar() {
    return jar;
  }

  /** Whether the archive was written already. */
  boolean exists() {
    return Files.isRegularFile(archive);
  }

  /** JVM options that map the archive; empty until it exists. */
  List<String> useOptions() {
    if (!exists()) {
      return List.of();
    }
    return concat(List.of("-XX:SharedArchiveFile=" + archive), QUIET);
  }

  /**
   * JVM options that write the archive to {@code dumpFile} when the JVM exits; {@link
   * #adopt(Path)} it once that JVM is gone.
   */
  List<String> dumpOptions(Path dumpFile) {
    return concat(List.of("-XX:ArchiveClassesAtExit=" + dumpFile), QUIET);
  }

  /** A file for {@link #dumpOptions} of one node JVM. */
  Path dumpFile() {
    return archive.resolveSibling(ARCHIVE + "." + ProcessHandle.current().pid() + "-"
        + System.nanoTime() + DUMP_SUFFIX);
  }

  /**
   * Adopts dumps no launcher adopted (a node started in the background writes one when it stops,
   * long after its launcher exited): one untouched for {@link #DUMP_SETTLED_MILLIS} is finished.
   */
  private void adoptFinishedDumps() throws IOException {
    long settled = System.currentTimeMillis() - DUMP_SETTLED_MILLIS;
    try (Stream<Path> files = Files.list(archive.getParent())) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(DUMP_SUFFIX)).toList()) {
        if (modified(f).toMillis() < settled) {
          adopt(f);
        }
      }
    }
  }

  /** Makes a finished dump the archive, unless one exists already; drops it otherwise. */
  void adopt(Path dumpFile) {
    try {
      if (Files.isRegularFile(dumpFile) && Files.size(dumpFile) > 0 && !exists()) {
        Files.move(dumpFile, archive, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      LOG.debug("keeping no class archive: {}", e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(dumpFile);
      } catch (IOException e) {
        LOG.debug("cannot delete {}", dumpFile, e);
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
