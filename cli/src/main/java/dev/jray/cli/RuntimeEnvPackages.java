package dev.jray.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The client half of runtime environments: a job's local {@code working_dir} (a directory or a
 * zip) and local {@code java_jars} become content-addressed packages, uploaded once through
 * {@code /api/packages/gcs/pkg-<sha256>.zip|.jar} and named in the runtime env by their {@code
 * gcs://} URIs, as Ray's CLI does, so every node fetches the same bytes.
 *
 * <p>Stateless; reads local files.
 */
final class RuntimeEnvPackages {
  static final String PROTOCOL = "gcs";
  /** The largest package uploaded; a bigger one is refused before anything is sent. */
  static final long MAX_PACKAGE_BYTES = 512L << 20;

  private RuntimeEnvPackages() {}

  /** A package ready to upload: its content-addressed name and its bytes. */
  record Package(String name, byte[] content) {
    String uri() {
      return PROTOCOL + "://" + name;
    }
  }

  /**
   * The runtime env with its local {@code working_dir} and {@code java_jars} uploaded (when the
   * server lacks them) and replaced by their URIs; URIs already given are kept.
   *
   * @throws IllegalArgumentException naming the field, for a wrong type or a missing path
   */
  static JsonObject upload(JsonObject runtimeEnv, JobsClient client) {
    JsonObject env = runtimeEnv.copy();
    Object workingDir = env.getValue("working_dir");
    if (workingDir != null) {
      if (!(workingDir instanceof String dir)) {
        throw new IllegalArgumentException("runtime_env.working_dir must be a string (a local"
            + " directory, a .zip, or a URI), not " + workingDir);
      }
      if (!isUri(dir)) {
        env.put("working_dir", uploaded(workingDirPackage(Path.of(dir)), client));
      }
    }
    Object jars = env.getValue("java_jars");
    if (jars != null) {
      if (!(jars instanceof JsonArray list)) {
        throw new IllegalArgumentException("runtime_env.java_jars must be a list of paths or URIs,"
            + " not " + jars);
      }
      JsonArray uris = new JsonArray();
      for (Object jar : list) {
        if (!(jar instanceof String path)) {
          throw new IllegalArgumentException("runtime_env.java_jars holds " + jar
              + ", which is not a string");
        }
        uris.add(isUri(path) ? path : uploaded(jarPackage(Path.of(path)), client));
      }
      env.put("java_jars", uris);
    }
    return env;
  }

  private static String uploaded(Package pkg, JobsClient client) {
    if (!client.hasPackage(PROTOCOL, pkg.name())) {
      client.putPackage(PROTOCOL, pkg.name(), pkg.content());
    }
    return pkg.uri();
  }

  static boolean isUri(String value) {
    return value.contains("://");
  }

  /** A working dir as a package: a .zip file as it is, a directory zipped with stable bytes. */
  static Package workingDirPackage(Path dir) {
    if (Files.isDirectory(dir)) {
      return named(zip(dir), ".zip");
    }
    if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".zip")) {
      return named(read(dir, "runtime_env.working_dir"), ".zip");
    }
    throw new IllegalArgumentException("runtime_env.working_dir " + dir
        + " is neither a directory nor a .zip file");
  }

  /** A java_jars entry as a package: a jar as it is, a directory of classes zipped. */
  static Package jarPackage(Path jar) {
    if (Files.isDirectory(jar)) {
      return named(zip(jar), ".zip");
    }
    if (Files.isRegularFile(jar)) {
      String name = jar.getFileName().toString();
      return named(read(jar, "runtime_env.java_jars"), name.endsWith(".zip") ? ".zip" : ".jar");
    }
    throw new IllegalArgumentException("runtime_env.java_jars entry " + jar + " does not exist");
  }

  private static Package named(byte[] content, String suffix) {
    return new Package("pkg-" + sha256(content) + suffix, content);
  }

  private static byte[] read(Path file, String field) {
    try {
      if (Files.size(file) > MAX_PACKAGE_BYTES) {
        throw new IllegalArgumentException(field + " " + file + " is over the package limit of "
            + (MAX_PACKAGE_BYTES >> 20) + " MiB");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The directory's regular files as a zip, in path order and with fixed times, so the same
   * content always gives the same bytes and so the same package name.
   */
  static byte[] zip(Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long total = 0;
    try (ZipOutputStream zip = new ZipOutputStream(bytes);
        Stream<Path> walk = Files.walk(dir)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      for (Path file : files) {
        total += Files.size(file);
        if (total > MAX_PACKAGE_BYTES) {
          throw new IllegalArgumentException(dir + " holds over " + (MAX_PACKAGE_BYTES >> 20)
              + " MiB, the package limit");
        }
        String entryName = dir.relativize(file).toString().replace('\\', '/');
        ZipEntry entry = new ZipEntry(entryName);
        entry.setTime(0);
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot zip " + dir + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
