package dev.jray.client.server;

import dev.jray.gcs.security.TokenSources;
import dev.jray.node.WorkerProcessLaunch;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts session drivers on the head's machine: the head's own java command and code, the
 * client's packages after it on the class path, attached to the head as a submitted job's
 * driver is, each with a log file of its own.
 *
 * <p>Threading: immutable; {@link #start} may run on any thread (it blocks on the process start).
 */
public final class SessionProcesses implements RayClientServer.SessionLauncher {
  private final String clientHost;
  private final int clientPort;
  private final Path tokenFile;
  private final Path logDirectory;
  private final Map<String, String> environment;

  /**
   * @param clientHost where the drivers reach the client port
   * @param environment what they need to attach: the cluster address ({@code JRAY_ADDRESS}) and
   *     the head's attach target ({@code JRAY_ATTACH})
   */
  public SessionProcesses(String clientHost, int clientPort, Path tokenFile, Path logDirectory,
      Map<String, String> environment) {
    this.clientHost = clientHost;
    this.clientPort = clientPort;
    this.tokenFile = tokenFile;
    this.logDirectory = logDirectory;
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Process start(String sessionId, String namespace, String runtimeEnv, List<Path> jars)
      throws IOException {
    Files.createDirectories(logDirectory);
    Path log = logDirectory.resolve("client-session-" + sessionId.substring(0, 12) + ".log");
    List<String> cmd = new ArrayList<>(WorkerProcessLaunch.javaCommand());
    cmd.add("-D" + TokenSources.TOKEN_FILE_PROPERTY + "=" + tokenFile);
    if (namespace != null && !namespace.isBlank()) {
      cmd.add("-Djray.namespace=" + namespace);
    }
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    for (Path jar : jars) {
      cp.append(File.pathSeparatorChar).append(jar.toAbsolutePath());
    }
    cmd.add("-cp");
    cmd.add(cp.toString());
    cmd.add(SessionDriverMain.class.getName());
    cmd.add(clientHost);
    cmd.add(String.valueOf(clientPort));
    cmd.add(sessionId);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().remove(TokenSources.TOKEN_ENV);
    pb.environment().putAll(environment);
    if (runtimeEnv != null && !runtimeEnv.isBlank()) {
      pb.environment().put("JRAY_JOB_RUNTIME_ENV", runtimeEnv);
    } else {
      pb.environment().remove("JRAY_JOB_RUNTIME_ENV");
    }
    return pb.start();
  }
}
