package dev.jray.client.server;

import dev.jray.client.ClientProtocol.Reader;
import dev.jray.runtime.JobPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The head's side of a client's handshake: reads its {@code HELLO} (namespace, runtime env, code
 * packages by SHA-256), says which packages the head's directory lacks, and takes their parts,
 * each checked against its id before it is kept. Packages are content-addressed, so sessions
 * share them.
 *
 * <p>Threading: one client's handshake, on the server's event loop (file writes are small parts).
 */
final class PackageIntake {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_PACKAGES = 1000;
  private static final long MAX_PACKAGE_BYTES = 1L << 30;

  private final Path directory;
  private boolean helloSeen;
  private String namespace;
  private String runtimeEnv;
  /** The packages offered, in class-path order: id to size. */
  private final Map<String, Long> offered = new LinkedHashMap<>();
  private final Set<String> missing = new LinkedHashSet<>();

  PackageIntake(Path directory) {
    this.directory = directory;
  }

  void hello(Reader f) {
    if (helloSeen) {
      throw new IllegalArgumentException("a second HELLO");
    }
    helloSeen = true;
    namespace = f.string();
    runtimeEnv = f.string();
    int n = f.count(MAX_PACKAGES);
    for (int i = 0; i < n; i++) {
      String id = f.string();
      f.string(); // its file name, for logs only
      long size = f.longValue();
      if (id == null || !SHA256.matcher(id).matches()) {
        throw new IllegalArgumentException("package id '" + id + "' is not a SHA-256 in hex");
      }
      if (size < 0 || size > MAX_PACKAGE_BYTES) {
        throw new IllegalArgumentException("package " + id + " of " + size + " bytes (at most "
            + MAX_PACKAGE_BYTES + ")");
      }
      offered.put(id, size);
      if (!Files.isRegularFile(jar(id))) {
        missing.add(id);
      }
    }
  }

  List<String> missing() {
    return List.copyOf(missing);
  }

  /** One part of a missing package; the last checks the whole against its id. */
  void part(Reader f) {
    String id = f.string();
    long offset = f.longValue();
    byte[] bytes = f.bytes();
    boolean last = f.bool();
    if (!missing.contains(id)) {
      throw new IllegalArgumentException("a part of package " + id + ", which was not asked for");
    }
    Path partial = directory.resolve(id + ".part");
    try {
      Files.createDirectories(directory);
      long have = offset == 0 ? 0 : Files.size(partial);
      if (have != offset || offset + bytes.length > offered.get(id)) {
        throw new IllegalArgumentException("package " + id + ": a part at " + offset
            + " where " + have + " bytes were received, of " + offered.get(id));
      }
      Files.write(partial, bytes, offset == 0
          ? new StandardOpenOption[] {StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE}
          : new StandardOpenOption[] {StandardOpenOption.APPEND});
      if (last) {
        byte[] whole = Files.readAllBytes(partial);
        if (!JobPackages.packageId(whole).equals(id)) {
          Files.deleteIfExists(partial);
          throw new IllegalArgumentException("package " + id + " does not match its id");
        }
        Files.move(partial, jar(id), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        missing.remove(id);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep package " + id + " in " + directory, e);
    }
  }

  boolean complete() {
    return helloSeen && missing.isEmpty();
  }

  String namespace() {
    return namespace;
  }

  String runtimeEnv() {
    return runtimeEnv;
  }

  /** The packages' files, in the client's class-path order. */
  List<Path> jars() {
    List<Path> jars = new ArrayList<>();
    offered.keySet().forEach(id -> jars.add(jar(id)));
    return jars;
  }

  private Path jar(String id) {
    return directory.resolve(id + ".jar");
  }
}
