package dev.jray.cli;

import dev.jray.node.LauncherWatch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The JVM a node runs in when {@code jray start} launches it: with this JVM's options, from the
 * cached jar, mapping the {@link NodeClassArchive} (or writing it when it exits).
 *
 * <p>{@code jray start --block} itself hands over to such a JVM before it parses its arguments,
 * since a JVM cannot map an archive it was not started with: the handover costs this JVM's start
 * (~0.35 s) and saves the node's class loading (~1.5 s on 2 cores). The node JVM checks the
 * arguments and prints the node's output; stopping this JVM stops it.
 */
final class NodeJvm {
  /** Set on a node JVM that {@code jray start} launched: {@link #FOREGROUND} or {@link #BACKGROUND}. */
  static final String MODE_PROPERTY = "jray.node-jvm";
  static final String FOREGROUND = "foreground";
  static final String BACKGROUND = "background";
  /** How long a stopping launcher waits for its node JVM (which may be writing the archive). */
  private static final long STOP_WAIT_SECONDS = 60;

  private NodeJvm() {}

  /**
   * For {@code jray start ... --block} run by a user: runs the node in a node JVM in the
   * foreground. @return its exit code; empty if this JVM should run the node itself (it is a
   * node JVM already, the archive is off, or {@code args} ask for something else, as help)
   */
  static Optional<Integer> runInForeground(String[] args) throws IOException, InterruptedException {
    List<String> list = List.of(args);
    if (System.getProperty(MODE_PROPERTY) != null || list.isEmpty() || !list.get(0).equals("start")
        || !list.contains("--block") || list.contains("--help") || list.contains("-h")) {
      return Optional.empty();
    }
    Optional<NodeClassArchive> found = NodeClassArchive.forJar(ownCode());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    NodeClassArchive archive = found.get();
    boolean mapped = archive.exists();
    Path dump = archive.dumpFile();
    List<String> cmd = command(archive.jar(), mapped ? archive.useOptions() : archive.dumpOptions(dump),
        FOREGROUND, list);
    // its output is this JVM's; its input is a pipe from this JVM, which closes when this JVM dies
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (p.isAlive()) {
        p.destroy(); // its own shutdown hook stops the node
        try {
          p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (!mapped) {
        archive.adopt(dump);
      }
    }, "jray-node-stop"));
    return Optional.of(p.waitFor());
  }

  /**
   * In a node JVM launched in the foreground: dies at once when its launcher dies without stopping
   * it first (it was killed outright, so the node is too). Its input is a pipe from the launcher,
   * which reads end-of-file then.
   */
  static void dieWithLauncher() {
    if (!FOREGROUND.equals(System.getProperty(MODE_PROPERTY))) {
      return;
    }
    LauncherWatch.haltWhenInputEnds("jray-launcher-watch");
  }

  /** The command of a node JVM: this JVM's options (heap size, -D properties), {@code extra}, then {@code args}. */
  static List<String> command(Path jar, List<String> extra, String mode, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(extra);
    cmd.add("-D" + MODE_PROPERTY + "=" + mode);
    if (Files.isDirectory(jar)) {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(JrayCommand.class.getName());
    } else {
      cmd.add("-jar");
      cmd.add(jar.toString());
    }
    cmd.addAll(args);
    return cmd;
  }

  /** The jar (or class folder) jray runs from. */
  static Path ownCode() {
    return Path.of(NodeJvm.class.getProtectionDomain().getCodeSource().getLocation().getPath());
  }
}
