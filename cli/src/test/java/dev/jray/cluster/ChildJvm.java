package dev.jray.cluster;

import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child JVM a {@link LocalCluster} started (a node's launcher, a driver, a CLI call) with the
 * file its stdout and stderr go to: waiting for a line of its output, or for its exit.
 *
 * <p>Threading: immutable; any thread may wait on it. Waiting polls the log file against a
 * deadline.
 */
public final class ChildJvm {
  static final int LOG_TAIL_LINES = 80;

  private final String what;
  private final Process process;
  private final Path log;
  private final Consumer<String> note;

  /** @param note where it reports its exit (the cluster's log) */
  ChildJvm(String what, Process process, Path log, Consumer<String> note) {
    this.what = what;
    this.process = process;
    this.log = log;
    this.note = note;
  }

  /** What it is, as named in logs ({@code head}, {@code driver-03-FooDriver}). */
  public String what() {
    return what;
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  /** Everything it printed so far. */
  public String output() {
    return read(log);
  }

  /** Waits until the output has a line matching {@code regex} (found anywhere in the line). */
  public Matcher awaitLine(String regex, Duration timeout) {
    return awaitLine(Pattern.compile(regex), timeout);
  }

  /**
   * Waits until the output has a line in which {@code pattern} is found; fails with the log's
   * tail if the JVM exits first, or with a thread dump in its log if the time runs out.
   */
  public Matcher awaitLine(Pattern pattern, Duration timeout) {
    Matcher[] found = new Matcher[1];
    boolean printed = Await.until(Time.SYSTEM, timeout, () -> {
      boolean exited = !process.isAlive(); // before the read: a line written just before the exit counts
      found[0] = firstLine(read(log), pattern);
      if (found[0] == null && exited) {
        throw new AssertionError(what + " (pid " + process.pid() + ") exited with "
            + process.exitValue() + " before printing /" + pattern + "/; its log " + log
            + ":\n" + tail(read(log), LOG_TAIL_LINES));
      }
      return found[0] != null;
    });
    if (!printed) {
      threadDump();
      throw new AssertionError(what + " (pid " + process.pid() + ") printed no /" + pattern
          + "/ within " + timeout.toSeconds() + " s; its log " + log + ":\n"
          + tail(read(log), LOG_TAIL_LINES));
    }
    return found[0];
  }

  /** The match in the first line of {@code out} that matches {@code pattern}, or null. */
  private static Matcher firstLine(String out, Pattern pattern) {
    for (String line : out.split("\\R")) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  /** Waits for the exit; on timeout takes a thread dump into the log, kills it and fails. */
  public JvmResult await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        threadDump();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(what + " (pid " + process.pid() + ") did not exit within "
            + timeout.toSeconds() + " s (killed; a thread dump is in its log " + log + "):\n"
            + tail(read(log), 200));
      }
    } catch (InterruptedException e) {
      // a JUnit timeout interrupts the test thread: the process must not outlive the test
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
    JvmResult r = new JvmResult(what, process.exitValue(), read(log), log);
    note.accept(what + " exited with " + r.exitCode());
    return r;
  }

  /** Asks the JVM for a thread dump into its own output (SIGQUIT to its pid), for diagnosis. */
  void threadDump() {
    if (!process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      kill.waitFor(5, TimeUnit.SECONDS);
      // the JVM prints its JNI reference counts after the last thread
      Await.until(Time.SYSTEM, Duration.ofSeconds(3), () -> read(log).contains("JNI global refs"));
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A file's text; empty if it does not exist. */
  public static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** The last {@code lines} lines of {@code text}, saying how many came before. */
  public static String tail(String text, int lines) {
    String[] all = text.split("\\R", -1);
    int from = Math.max(0, all.length - lines);
    String body = String.join("\n", Arrays.asList(all).subList(from, all.length));
    return from > 0 ? "[... " + from + " earlier lines ...]\n" + body : body;
  }
}
