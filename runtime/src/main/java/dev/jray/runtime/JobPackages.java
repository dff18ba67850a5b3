package dev.jray.runtime;

import dev.jray.gcs.CodePackages;
import dev.jray.gcs.Gcs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A job's code on its way to the nodes: the driver uploads its application class path (the jars
 * and class folders that are not jray's own) as content-addressed jars in the GCS KV; a node
 * fetches each package into its {@link PackageCache} and loads the job's classes from them in a
 * class loader of the job's own. Blocking (files, GCS): never on an event loop.
 */
public final class JobPackages {
  /** System property: the most bytes one class-path entry may hold, as Ray caps a package. */
  static final String MAX_PACKAGE_BYTES_PROPERTY = "jray.job.max-package-bytes";
  // every package sits in the GCS and is fetched by each node that runs the job
  private static final long DEFAULT_MAX_PACKAGE_BYTES = 512L << 20;
  /** Classes only jray's own class-path entries hold: such entries are not shipped. */
  private static final List<String> JRAY_MARKERS = List.of(
      "dev/jray/api/Ray.class", "dev/jray/runtime/CoreWorker.class", "dev/jray/gcs/Gcs.class",
      "dev/jray/store/ObjectStore.class", "dev/jray/task/TaskSpec.class",
      "dev/jray/placement/PlacementVerticle.class", "dev/jray/node/NodeVerticle.class",
      "dev/jray/cli/JrayCommand.class");
  /** Jars of jray's own dependencies and of test runners: nodes have them or do not need them. */
  private static final List<String> SKIPPED_JARS = List.of("vertx-", "hazelcast", "netty-",
      "fory-", "fst-", "jackson-", "picocli-", "janino-", "commons-compiler-", "javassist-",
      "objenesis-", "protobuf-", "guava-", "failureaccess-", "listenablefuture-", "jsr305-",
      "gson-", "error_prone", "j2objc", "grpc-", "junit-", "opentest4j-", "apiguardian-",
      "surefire", "jray-", "common-java5-", "common-junit");

  private JobPackages() {}

  /** The extra code folders and jars of {@code jray.job.code-search-path}, absolute. */
  public static List<Path> codeSearchPath() {
    String paths = System.getProperty("jray.job.code-search-path");
    List<Path> result = new ArrayList<>();
    if (paths != null) {
      for (String p : paths.split(File.pathSeparator)) {
        if (!p.isBlank()) {
          result.add(Path.of(p.trim()).toAbsolutePath().normalize());
        }
      }
    }
    return result;
  }

  /** The class-path entries to ship: the application's, plus {@code extra} paths. */
  public static List<Path> applicationClassPath(String classPath, List<Path> extra) {
    Set<Path> entries = new LinkedHashSet<>();
    for (String p : classPath.split(File.pathSeparator)) {
      if (p.isBlank()) {
        continue;
      }
      Path path = Path.of(p).toAbsolutePath().normalize();
      if (Files.exists(path) && !isJrays(path)) {
        entries.add(path);
      }
    }
    entries.addAll(extra);
    return new ArrayList<>(entries);
  }

  private static boolean isJrays(Path entry) {
    String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
    if (Files.isRegularFile(entry) && SKIPPED_JARS.stream().anyMatch(name::startsWith)) {
      return true;
    }
    if (Files.isDirectory(entry)) {
      return JRAY_MARKERS.stream().anyMatch(m -> Files.exists(entry.resolve(m)));
    }
    try (ZipFile zip = new ZipFile(entry.toFile())) {
      return JRAY_MARKERS.stream().anyMatch(m -> zip.getEntry(m) != null);
    } catch (IOException e) {
      return true; // not a jar: nothing to ship
    }
  }

  /**
   * Uploads each entry (a class folder is zipped) once; returns the package ids, in order.
   *
   * @throws IllegalArgumentException if an entry holds more than {@link #maxPackageBytes()}
   */
  public static List<String> upload(Gcs gcs, List<Path> entries) {
    checkSizes(entries);
    List<String> ids = new ArrayList<>();
    for (Path entry : entries) {
      byte[] jar = packageOf(entry);
      String id = packageId(jar);
      if (!gcs.kv().containsKey(CodePackages.key(id))) {
        gcs.kv().putIfAbsent(CodePackages.key(id), jar);
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * @throws IllegalArgumentException if an entry holds more than {@link #maxPackageBytes()}
   */
  public static void checkSizes(List<Path> entries) {
    long max = maxPackageBytes();
    for (Path entry : entries) {
      long size = Files.isDirectory(entry) ? folderBytes(entry) : fileBytes(entry);
      if (size > max) {
        throw new IllegalArgumentException("class-path entry " + entry + " holds " + size
            + " bytes, more than the " + max + " a job's code package may hold (-D"
            + MAX_PACKAGE_BYTES_PROPERTY + "): move data out of class-path folders, or raise it");
      }
    }
  }

  /** The code package of a class-path entry: a jar's bytes, a class folder zipped. */
  public static byte[] packageOf(Path entry) {
    return Files.isDirectory(entry) ? zip(entry) : read(entry);
  }

  /** A package's id: the SHA-256 of its bytes, in hex. */
  public static String packageId(byte[] bytes) {
    return PackageCache.sha256(bytes);
  }

  /**
   * Uploads again whatever of {@code ids} (uploaded from {@code entries}) the GCS lost between
   * the upload and the job record that names them: the leader collects a package no recorded job
   * names ({@code PackageCollection}). Call after the job is recorded.
   */
  public static void restoreCollected(Gcs gcs, List<Path> entries, List<String> ids) {
    if (ids.stream().anyMatch(id -> !gcs.kv().containsKey(CodePackages.key(id)))) {
      upload(gcs, entries);
    }
  }

  /**
   * The most bytes one class-path entry may hold: system property {@value
   * #MAX_PACKAGE_BYTES_PROPERTY}, else 512 MiB.
   */
  static long maxPackageBytes() {
    String configured = System.getProperty(MAX_PACKAGE_BYTES_PROPERTY);
    if (configured == null) {
      return DEFAULT_MAX_PACKAGE_BYTES;
    }
    try {
      long max = Long.parseLong(configured.trim());
      if (max > 0) {
        return max;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(MAX_PACKAGE_BYTES_PROPERTY
        + " must be a positive number of bytes, got '" + configured + "'");
  }

  private static long folderBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(JobPackages::fileBytes).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static long fileBytes(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + file, e);
    }
  }

  /** The bytes of package {@code id} in the GCS, or null if it has none. */
  static byte[] download(Gcs gcs, String id) {
    return gcs.kv().get(CodePackages.key(id));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Zips a class folder deterministically (sorted, fixed times) so equal folders hash equal. */
  private static byte[] zip(Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        ZipEntry e = new ZipEntry(dir.relativize(f).toString().replace(File.separatorChar, '/'));
        e.setTime(0);
        zip.putNextEntry(e);
        Files.copy(f, zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot package " + dir, e);
    }
    return out.toByteArray();
  }
}
