package dev.jray.cluster;

import dev.jray.gcs.time.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a {@link LocalCluster}'s files come from and go: the jar and test classes the build made
 * (copied into each cluster's folder so a rebuild cannot change them under running JVMs), and the
 * root of the ITs' logs.
 */
final class ClusterFiles {
  /** How long a snapshot of the jar or the test classes waits for a rebuild to end. */
  private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(120);

  private ClusterFiles() {}

  static Path sourceJar() {
    Path jar = Path.of(System.getProperty("jray.it.jar", "target/jray.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it with `mvn -B -q install -DskipTests` "
          + "(the ITs run in `verify`, after `package` built it)");
    }
    return jar;
  }

  static Path sourceTestClasses() {
    return Path.of(System.getProperty("jray.it.test-classes", "target/test-classes")).toAbsolutePath();
  }

  /** Copies a jar, retrying while it is being rewritten (a rebuild), until the copy is a complete jar. */
  static Path snapshotJar(Path from, Path to) {
    return Await.value("a consistent snapshot of " + from, SNAPSHOT_WAIT, () -> {
      try {
        Files.createDirectories(to.getParent());
        long before = Files.getLastModifiedTime(from).toMillis();
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long after = Files.getLastModifiedTime(from).toMillis();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(to.toFile())) {
          return before == after && zip.getEntry("dev/jray/cli/JrayCommand.class") != null ? to : null;
        }
      } catch (IOException e) {
        return null;
      }
    });
  }

  /** Copies a class folder, retrying if files vanish under the copy (a rebuild). */
  static Path snapshotDir(Path from, Path to) {
    if (!Files.isDirectory(from)) {
      throw new IllegalStateException(from + " does not exist: run test-compile");
    }
    return Await.value("a consistent snapshot of " + from, SNAPSHOT_WAIT, () -> {
      try {
        deleteRecursively(to);
        try (var walk = Files.walk(from)) {
          for (Path f : walk.toList()) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(target);
            } else {
              Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
        return to;
      } catch (IOException | UncheckedIOException e) {
        return null;
      }
    });
  }

  static Path itLogRoot() {
    return Path.of(System.getProperty("jray.it.log-dir", "target/it-logs")).toAbsolutePath();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
