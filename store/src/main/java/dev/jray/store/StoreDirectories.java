package dev.jray.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A store's own directories, named after the process that owns them ({@code
 * <prefix><pid>-<random>}), so a store can remove those of processes that died without closing
 * theirs: a node killed with SIGKILL leaves its spill files on disk otherwise. Best effort: what
 * cannot be removed stays.
 */
final class StoreDirectories {
  private static final Path SHARED_MEMORY = Path.of("/dev/shm");
  private static final Pattern OWNED = Pattern.compile("(\\d+)-.*");

  private StoreDirectories() {}

  /** Creates a directory of this process in {@code base}, after removing dead processes' ones. */
  static Path create(Path base, String prefix) throws IOException {
    removeOrphans(base, prefix);
    return Files.createTempDirectory(base, prefix + ProcessHandle.current().pid() + "-");
  }

  /** Removes {@code base}'s directories named with {@code prefix} whose process is gone. */
  static void removeOrphans(Path base, String prefix) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, prefix + "*")) {
      for (Path dir : dirs) {
        Matcher m = OWNED.matcher(dir.getFileName().toString().substring(prefix.length()));
        if (m.matches() && !alive(m.group(1)) && Files.isDirectory(dir)) {
          deleteTree(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      // another process may be removing the same orphans, or base is not listable: leave them
    }
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true; // not a pid this class wrote: not ours to remove
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // in use or already gone: best effort
        }
      });
    } catch (IOException | RuntimeException e) {
      // gone meanwhile
    }
  }

  /** Where a store of {@code capacity} bytes keeps its memory files: /dev/shm when it fits. */
  static Path memoryBase(long capacity) throws IOException {
    // Like plasma, avoid a tmpfs too small for the store (Docker's default is 64 MB): touching a
    // mapping the tmpfs cannot back raises SIGBUS.
    if (Files.isDirectory(SHARED_MEMORY)
        && Files.isWritable(SHARED_MEMORY)
        && Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= capacity) {
      return SHARED_MEMORY;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Deletes an (empty) directory of the store, if it is there. */
  static void delete(Path directory) {
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }
}
