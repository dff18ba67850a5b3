package dev.jray.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The jray node processes started on this machine, as pid files under {@code
 * <tmpdir>/jray/nodes}: {@code stop} ends only these, by pid.
 */
final class NodeProcesses {
  /** One started node. */
  record Entry(long pid, String role, String address, Path logFile, Path file) {}

  private NodeProcesses() {}

  static Path dir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", "nodes");
  }

  static Path logDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", "logs");
  }

  /** Records this process as a running node; the file goes when the JVM exits. */
  static void register(String role, String address, Path logFile) {
    long pid = ProcessHandle.current().pid();
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("role", role);
    p.setProperty("address", address);
    p.setProperty("log", logFile == null ? "" : logFile.toString());
    Path file = dir().resolve(pid + ".node");
    try {
      Files.createDirectories(dir());
      Path tmp = Files.createTempFile(dir(), "node", ".part");
      try (var out = Files.newOutputStream(tmp)) {
        p.store(out, "jray node");
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    file.toFile().deleteOnExit();
  }

  /** The nodes recorded here whose process still runs; files of dead ones are removed. */
  static List<Entry> list() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(dir())) {
      return entries;
    }
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".node")).sorted().toList()) {
        Entry e = read(f);
        if (e != null && ProcessHandle.of(e.pid()).map(ProcessHandle::isAlive).orElse(false)) {
          entries.add(e);
        } else {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir(), e);
    }
    return entries;
  }

  static Entry find(long pid) {
    return list().stream().filter(e -> e.pid() == pid).findFirst().orElse(null);
  }

  private static Entry read(Path f) {
    Properties p = new Properties();
    try (var in = Files.newInputStream(f)) {
      p.load(in);
      String log = p.getProperty("log", "");
      return new Entry(Long.parseLong(p.getProperty("pid")), p.getProperty("role"),
          p.getProperty("address"), log.isEmpty() ? null : Path.of(log), f);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
