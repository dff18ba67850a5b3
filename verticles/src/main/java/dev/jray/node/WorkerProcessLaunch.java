package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.TokenSources;
import dev.jray.runtime.ProcessEnv;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * How a node starts a worker process: the node's own java and class path (its jray.jar, mapping
 * the nodes' class archive when the node does, so the process starts fast), the module flags the
 * jar's manifest gives, the env's JVM options and jars, its environment variables and {@code
 * CUDA_VISIBLE_DEVICES}; the process attaches to this node over its link (it is no cluster
 * member: {@link AttachedNode}), proving the cluster token (a file only this user reads), under a
 * node id this node gives it, and writes its output to a log file of its own.
 *
 * <p>Threading: thread-safe (immutable, but for a counter).
 */
public final class WorkerProcessLaunch {
  /** JVM options of the node's own that worker processes get too (the class archive's). */
  public static final String JVM_OPTIONS_PROPERTY = "jray.worker-process.jvm-options";
  /** Input arguments of the node's JVM that its worker processes keep. */
  private static final List<String> INHERITED = List.of("--add-opens", "--add-exports",
      "-XX:SharedArchiveFile=", "-Xshare:", "-Xlog:cds", "-Djray.log.level=", "-Djray.cache-dir=",
      "-Djray.class-archive=", "-Djray.serializer=", "-Djray.task-events.");

  /** A started process, the node id it runs as, and its log file. */
  public record Started(Process process, UniqueId nodeId, Path log) {}

  private final UniqueId parent;
  /** "host:port" of this node's link, which the processes attach to. */
  private final String hostLink;
  private final Path logDirectory;
  private final Path tokenFile;
  private final List<String> baseCommand;
  private final String classPath;
  private final AtomicInteger started = new AtomicInteger();
  /** The local file of a java_jars entry (a package fetched, or a path). */
  private final Function<String, Path> localJar;

  /**
   * @param parent the node whose work the processes run
   * @param hostLink where this node's link listens ({@code host:port}): they attach to it
   * @param logDirectory where their logs go (made if missing)
   * @param localJar the local file of a runtime env's java_jars entry; may block
   */
  public WorkerProcessLaunch(UniqueId parent, String hostLink, ClusterToken token,
      Path logDirectory, Function<String, Path> localJar) throws IOException {
    this.localJar = Objects.requireNonNull(localJar, "localJar");
    this.parent = Objects.requireNonNull(parent, "parent");
    this.hostLink = Objects.requireNonNull(hostLink, "hostLink");
    this.logDirectory = Files.createDirectories(logDirectory);
    this.tokenFile = logDirectory.resolve("worker-token-" + parent.toHex());
    Files.deleteIfExists(tokenFile);
    token.write(tokenFile); // readable by this user only
    tokenFile.toFile().deleteOnExit();
    this.classPath = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add("-D" + TokenSources.TOKEN_FILE_PROPERTY + "=" + tokenFile);
    this.baseCommand = List.copyOf(cmd);
  }

  /**
   * The java command, up to its class path, of a JVM this node starts on its own code: its java,
   * the module flags and class archive it runs with, {@value #JVM_OPTIONS_PROPERTY}, its tmpdir.
   */
  public static List<String> javaCommand() {
    String classPath = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(inherited(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    cmd.addAll(manifestModuleFlags(classPath));
    String own = System.getProperty(JVM_OPTIONS_PROPERTY, "").trim();
    if (!own.isEmpty()) {
      cmd.addAll(List.of(own.split("\\s+")));
    }
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    return cmd;
  }

  /** Of a node JVM's input arguments, those its worker processes keep, each as one argument. */
  static List<String> inherited(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if ((arg.equals("--add-opens") || arg.equals("--add-exports")) && i + 1 < args.size()) {
        kept.add(arg + "=" + args.get(++i));
      } else if (INHERITED.stream().anyMatch(arg::startsWith)) {
        kept.add(arg);
      }
    }
    return kept;
  }

  /** Where the processes' logs go. */
  public Path logDirectory() {
    return logDirectory;
  }

  /**
   * Starts a worker process for work of {@code env} holding {@code gpus} (ids, comma-separated;
   * empty for none).
   *
   * @throws RuntimeException naming the jar if one of the env's jars cannot be had here
   */
  public Started start(ProcessEnv env, String gpus) throws IOException {
    // (a node's id is new each start: its processes' names never meet another node's)
    Path log = logDirectory.resolve("worker-" + parent.toHex().substring(0, 12) + "-"
        + started.incrementAndGet() + ".log");
    List<String> cmd = new ArrayList<>(baseCommand);
    cmd.addAll(env.jvmOptions());
    StringBuilder cp = new StringBuilder(classPath);
    for (String jar : env.jars()) {
      cp.append(File.pathSeparatorChar).append(localJar.apply(jar).toAbsolutePath());
    }
    cmd.add("-D" + NodeLogVerticle.LOG_FILE_PROPERTY + "=" + log); // it serves it to jray logs
    cmd.add("-cp");
    cmd.add(cp.toString());
    cmd.add(WorkerProcessMain.class.getName());
    UniqueId self = IdFactory.newUniqueId();
    cmd.add(parent.toHex());
    cmd.add(hostLink);
    cmd.add(self.toHex());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env.envVars());
    if (!gpus.isEmpty()) {
      pb.environment().put("CUDA_VISIBLE_DEVICES", gpus);
    }
    // its input stays a pipe from this JVM: it reads end-of-file, and exits, when this JVM dies
    return new Started(pb.start(), self, log);
  }

  /** The Add-Opens and Add-Exports of the jar's manifest (a node run as {@code java -jar}). */
  private static List<String> manifestModuleFlags(String classPath) {
    List<String> flags = new ArrayList<>();
    if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
      return flags; // a class path, not a jar: its flags are among the input arguments
    }
    try (JarFile jar = new JarFile(classPath)) {
      Manifest m = jar.getManifest();
      if (m == null) {
        return flags;
      }
      addFlags(flags, "--add-opens=", m.getMainAttributes().getValue("Add-Opens"));
      addFlags(flags, "--add-exports=", m.getMainAttributes().getValue("Add-Exports"));
    } catch (IOException e) {
      // no flags: the process logs what it cannot open
    }
    return flags;
  }

  private static void addFlags(List<String> flags, String flag, String packages) {
    if (packages == null) {
      return;
    }
    for (String p : packages.trim().split("\\s+")) {
      flags.add(flag + p + "=ALL-UNNAMED");
    }
  }
}
