package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.security.TokenSources;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Starts a job's entrypoint with {@code /bin/sh -c} on this machine: its working_dir unpacked as
 * the current directory, its java_jars on {@code CLASSPATH} (an entrypoint that passes {@code -cp}
 * adds {@code $CLASSPATH} itself), its env_vars, its jvm_options in {@code JAVA_TOOL_OPTIONS}, and
 * {@code JRAY_JOB_RUNTIME_ENV} (its env_vars and jvm_options, which its tasks and actors inherit),
 * {@code JRAY_ADDRESS} and {@code JRAY_CLUSTER_TOKEN_FILE} so that its {@code Ray.init()} joins
 * the cluster as the job's driver, {@code JRAY_CLASSPATH} and {@code JRAY_JAVA_OPTIONS} so that it
 * can join fast (see {@link dev.jray.jobs.JobsOptions#JAVA_OPTIONS_ENV}); stdout and stderr
 * appended to the job's log file. Blocking (files, GCS): never on an event loop.
 */
public final class EntrypointLauncher {
  /** What the driver reads its job's runtime env from (the driver's JrayRuntime). */
  static final String JOB_RUNTIME_ENV_VARIABLE = "JRAY_JOB_RUNTIME_ENV";
  /** The most bytes a working_dir package may unpack to, against zip bombs. */
  private static final long MAX_UNPACKED_BYTES = 4L << 30;

  private final Supplier<Map<String, String>> driverEnv;
  private final Gcs gcs;
  private final String clusterAddress;
  private final Path tokenFile;

  /**
   * @param driverEnv more variables for every driver (the TLS settings, the head's jar), read at
   *     each start; the job's own override them
   */
  public EntrypointLauncher(Gcs gcs, String clusterAddress, Path tokenFile,
      Supplier<Map<String, String>> driverEnv) {
    this.driverEnv = driverEnv;
    this.gcs = gcs;
    this.clusterAddress = clusterAddress;
    this.tokenFile = tokenFile;
  }

  /** Thrown when the runtime_env cannot be set up: the job fails with this message. */
  public static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  /** Starts the entrypoint of {@code job}, its files under {@code jobDir}. */
  Process start(JobSubmission job, Path jobDir, Path logFile) throws SetupException, IOException {
    RuntimeEnv env = job.runtimeEnv();
    Path cwd = jobDir;
    if (env.workingDir() != null) {
      cwd = workingDir(env.workingDir(), jobDir.resolve("working_dir"));
    }
    List<String> classPath = new ArrayList<>();
    for (String jar : env.javaJars()) {
      classPath.add(jar(jar, jobDir.resolve("jars")).toString());
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", job.entrypoint()).directory(cwd.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> vars = pb.environment();
    vars.remove(TokenSources.TOKEN_ENV); // the file below is the one way in, never the text
    vars.put(TokenSources.TOKEN_FILE_ENV, tokenFile.toString());
    vars.put("JRAY_ADDRESS", clusterAddress);
    vars.put(JobRecord.SUBMISSION_ID_ENV, job.submissionId()); // its driver says whose it is
    vars.putAll(driverEnv.get());
    vars.putAll(env.envVars());
    if (!classPath.isEmpty()) {
      String given = vars.get("CLASSPATH");
      vars.put("CLASSPATH", String.join(File.pathSeparator, classPath)
          + (given == null || given.isEmpty() ? "" : File.pathSeparator + given));
    }
    if (!env.jvmOptions().isEmpty()) {
      String given = vars.get("JAVA_TOOL_OPTIONS");
      vars.put("JAVA_TOOL_OPTIONS", (given == null || given.isBlank() ? "" : given + " ")
          + String.join(" ", env.jvmOptions()));
    }
    if (!env.envVars().isEmpty() || !env.jvmOptions().isEmpty()) {
      // the job's tasks and actors inherit them, as Ray's: they run in worker processes with them
      // (its jars and working_dir reach them as the driver's code packages)
      vars.put(JOB_RUNTIME_ENV_VARIABLE, new io.vertx.core.json.JsonObject()
          .put("env_vars", new io.vertx.core.json.JsonObject(new java.util.HashMap<>(env.envVars())))
          .put("jvm_options", new io.vertx.core.json.JsonArray(env.jvmOptions())).encode());
    }
    return pb.start();
  }

  private Path workingDir(String location, Path target) throws SetupException, IOException {
    String pkg = RuntimeEnv.packageId(location);
    if (pkg != null) {
      unzip(Packages.read(gcs, pkg, location), target);
      return target;
    }
    Path local = Path.of(location);
    if (Files.isDirectory(local)) {
      return local;
    }
    if (Files.isRegularFile(local)) {
      unzip(Files.readAllBytes(local), target);
      return target;
    }
    throw new SetupException("runtime_env.working_dir " + location
        + " does not exist on the node that runs the entrypoint");
  }

  private Path jar(String location, Path jarsDir) throws SetupException, IOException {
    String pkg = RuntimeEnv.packageId(location);
    if (pkg != null) {
      Files.createDirectories(jarsDir);
      // a name is a safe file name; a SHA-256 id gets the name jray's CLI gives it
      Path file = jarsDir.resolve(pkg.indexOf('.') >= 0 ? pkg : "pkg-" + pkg + ".jar");
      Files.write(file, Packages.read(gcs, pkg, location));
      return file;
    }
    Path local = Path.of(location);
    if (!Files.isRegularFile(local)) {
      throw new SetupException("runtime_env.java_jars: " + location
          + " does not exist on the node that runs the entrypoint");
    }
    return local;
  }

  /** Unpacks {@code zip} into {@code target}, refusing entries that leave it and oversize content. */
  static void unzip(byte[] zip, Path target) throws SetupException, IOException {
    Files.createDirectories(target);
    Path root = target.toAbsolutePath().normalize();
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path out = root.resolve(e.getName()).normalize();
        if (!out.startsWith(root)) {
          throw new SetupException("runtime_env.working_dir: zip entry '" + e.getName()
              + "' would unpack outside the working directory");
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        total += copy(in, out, MAX_UNPACKED_BYTES - total);
      }
    } catch (java.util.zip.ZipException e) {
      throw new SetupException("runtime_env.working_dir is not a valid zip: " + e.getMessage());
    }
  }

  private static long copy(InputStream in, Path out, long room) throws SetupException, IOException {
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (var os = Files.newOutputStream(out)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
        if (n > room) {
          throw new SetupException("runtime_env.working_dir unpacks to more than "
              + MAX_UNPACKED_BYTES + " bytes");
        }
        os.write(buf, 0, r);
      }
    }
    return n;
  }
}
