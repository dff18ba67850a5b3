package dev.jray.bench;

import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVMs the suite starts (jray nodes, the cross-node driver, the peer member), each with its
 * output in a log file of the work directory. {@link #close()} ends each of them by its own
 * process handle (SIGTERM, then SIGKILL after a grace period), and a shutdown hook does the same
 * if the suite dies first. Thread-safe.
 */
final class ChildProcesses implements AutoCloseable {
  private static final long GRACE_MS = 15_000;

  /** A started child JVM and its log. */
  record Child(String name, Process process, Path log, long startedNanos) {
    String output() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }

    /** The last lines of its log, for an error message. */
    String tail() {
      List<String> lines = output().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }
  }

  private final Path workDir;
  private final List<Child> children = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "bench-children-stop");

  ChildProcesses(Path workDir) {
    this.workDir = workDir;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The java command of this JVM. */
  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** A TCP port free on 127.0.0.1 right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code command}; its stdout and stderr go to {@code <work>/<name>.log}. */
  Child start(String name, List<String> command) throws IOException {
    return start(name, command, Map.of());
  }

  /** As {@link #start(String, List)}, with these variables added to its environment. */
  synchronized Child start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // the nodes' cluster token lives in the work directory, never in the user's ~/.jray
    builder.environment().put(TokenSources.HOME_ENV, workDir.resolve("jray-home").toString());
    builder.environment().remove(TokenSources.TOKEN_ENV);
    builder.environment().remove(TokenSources.TOKEN_FILE_ENV);
    // TLS is on only where the caller turns it on, never from the user's own environment
    List.of(TlsSettings.USE_TLS_ENV, TlsSettings.SERVER_CERT_ENV, TlsSettings.SERVER_KEY_ENV,
        TlsSettings.CA_CERT_ENV).forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    Process p = builder.start();
    Child child = new Child(name, p, log, System.nanoTime());
    children.add(child);
    return child;
  }

  private static void end(List<Child> some) {
    for (Child c : some) {
      if (c.process().isAlive()) {
        c.process().destroy();
      }
    }
    long deadline = System.currentTimeMillis() + GRACE_MS;
    for (Child c : some) {
      try {
        if (!c.process().waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
          c.process().descendants().forEach(ProcessHandle::destroyForcibly);
          c.process().destroyForcibly();
          c.process().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.process().destroyForcibly();
      }
    }
  }

  /** Waits until the child's output has a line matching {@code pattern}; fails with its log tail. */
  static Matcher awaitLine(Child child, Pattern pattern, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      for (String line : child.output().split("\\R")) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (!child.process().isAlive() && !pattern.matcher(child.output()).find()) {
        throw new IllegalStateException(child.name() + " exited with " + child.process().exitValue()
            + " (log " + child.log() + "):\n" + child.tail());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(child.name() + " printed no /" + pattern + "/ within "
            + timeoutMs / 1000 + " s (log " + child.log() + "):\n" + child.tail());
      }
      Thread.sleep(50); // the child is another process: poll its log
    }
  }

  /**
   * SIGKILLs a child and the JVMs it started (a {@code jray start --block} hands its node over to a
   * node JVM of its own), and waits until they are gone.
   */
  static void kill(Child child) throws InterruptedException {
    List<ProcessHandle> started = child.process().descendants().toList();
    started.forEach(ProcessHandle::destroyForcibly);
    child.process().destroyForcibly();
    for (ProcessHandle p : started) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(child.name() + "'s JVM " + p.pid() + " outlived SIGKILL by 30 s", e);
      }
    }
    if (!child.process().waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(child.name() + " outlived SIGKILL by 30 s");
    }
  }

  /**
   * Ends every child started so far, as {@link #close()} does, and goes on serving: the rows
   * after run on a quiet machine.
   */
  synchronized void stopAll() {
    end(children);
    children.clear();
  }

  /** Ends every child still running: SIGTERM to all, then SIGKILL to what outlives the grace period. */
  @Override
  public synchronized void close() {
    stopAll();
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway and finds nothing left
      }
    }
  }
}
