package dev.jray.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The jray node processes started on this machine, as pid files under {@code
 * <tmpdir>/jray/nodes}: {@code stop} ends only these, by pid. Each file also records the
 * process's start instant and command line, so that a pid the system has since given to another
 * process is told apart from the node (that process is left alone, the file removed).
 */
final class NodeProcesses {
  /**
   * One started node.
   *
   * @param startInstant when its process started (ISO-8601), or "" if the system did not say
   * @param commandLine its process's command line, or "" if the system did not say
   */
  record Entry(long pid, String role, String address, Path logFile, Path file, String startInstant,
      String commandLine) {}

  /** How far apart two readings of one process's start instant may be. */
  private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

  private NodeProcesses() {}

  static Path dir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", "nodes");
  }

  static Path logDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "jray", "logs");
  }

  /** Records this process as a running node; the file goes when the JVM exits. */
  static void register(String role, String address, Path logFile) {
    record(ProcessHandle.current(), role, address, logFile).toFile().deleteOnExit();
  }

  /** Records {@code process} as a running node, with its start instant and command line. */
  static Path record(ProcessHandle process, String role, String address, Path logFile) {
    long pid = process.pid();
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("start", process.info().startInstant().map(Instant::toString).orElse(""));
    p.setProperty("command", process.info().commandLine().orElse(""));
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
    return file;
  }

  /** The nodes recorded here whose process still runs; other records are removed. */
  static List<Entry> list() {
    return list(stale -> { });
  }

  /**
   * The nodes recorded here whose process still runs; the records of nodes that no longer run
   * (their process ended, or their pid now runs another process) are removed, each told to
   * {@code removed} in one line.
   */
  static List<Entry> list(Consumer<String> removed) {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(dir())) {
      return entries;
    }
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".node")).sorted().toList()) {
        Entry e = read(f);
        String stale = e == null ? "unreadable"
            : staleness(e, ProcessHandle.of(e.pid()).orElse(null));
        if (stale == null) {
          entries.add(e);
        } else {
          Files.deleteIfExists(f);
          removed.accept("Removed the stale record " + f.getFileName() + ": " + stale + ".");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir(), e);
    }
    return entries;
  }

  /**
   * The process of a recorded node, if it still runs that node: the pid's process started at the
   * recorded instant with the recorded command line. Null otherwise.
   */
  static ProcessHandle process(Entry e) {
    ProcessHandle p = ProcessHandle.of(e.pid()).orElse(null);
    return staleness(e, p) == null ? p : null;
  }

  /** Why a record no longer names a running node ({@code p}: its pid's process), or null. */
  private static String staleness(Entry e, ProcessHandle p) {
    String node = "the jray " + e.role() + " node (pid " + e.pid() + ")";
    if (p == null || !p.isAlive()) {
      return node + " no longer runs";
    }
    ProcessHandle.Info info = p.info();
    String start = info.startInstant().map(Instant::toString).orElse("");
    String command = info.commandLine().orElse("");
    boolean startKnown = !start.isEmpty() && !e.startInstant().isEmpty();
    boolean commandKnown = !command.isEmpty() && !e.commandLine().isEmpty();
    if (!startKnown && !commandKnown) {
      return "cannot tell whether pid " + e.pid() + " still runs " + node
          + " (no start time or command line to compare): that process is left alone";
    }
    if ((startKnown && !sameStart(start, e.startInstant()))
        || (commandKnown && !command.equals(e.commandLine()))) {
      return node + " no longer runs; pid " + e.pid()
          + " now belongs to another process, which is left alone";
    }
    return null;
  }

  // Linux derives start instants from the boot time, which moves a little when the clock is set
  private static boolean sameStart(String now, String recorded) {
    try {
      Duration apart = Duration.between(Instant.parse(recorded), Instant.parse(now)).abs();
      return apart.compareTo(START_TOLERANCE) <= 0;
    } catch (DateTimeParseException e) {
      return false;
    }
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
          p.getProperty("address"), log.isEmpty() ? null : Path.of(log), f,
          p.getProperty("start", ""), p.getProperty("command", ""));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
