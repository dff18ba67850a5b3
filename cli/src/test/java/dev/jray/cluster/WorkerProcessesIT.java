package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.WorkerProcessDriver;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker processes on a real cluster: a head (threads, but for work whose runtime env needs a JVM
 * of its own) and a worker started with {@code --worker-processes} (resource ISO), each from the
 * fat jar; drivers as Ray programs ({@link WorkerProcessDriver}).
 */
@Timeout(value = 240)
class WorkerProcessesIT {
  private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(200);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("WorkerProcessesIT", c -> {
    c.startHead(null, "-Xmx1g");
    c.awaitUp(c.startNode("isolating", List.of("start", "--address", c.headAddress(), "--num-cpus",
        "2", "--num-gpus", "2", "--resources", "{\"ISO\":2}", "--worker-processes", "--block"), List.of("-Xmx1g")),
        Duration.ofSeconds(120));
  });

  private static JvmResult driver(String... args) {
    JvmResult r = CLUSTER.get().runDriver(DRIVER_TIMEOUT, List.of(), WorkerProcessDriver.class, args);
    assertTrue(r.ok(), r.describe());
    return r;
  }

  private static Set<Long> nodePids() {
    return Set.of(CLUSTER.get().head().nodeJvmPid(), CLUSTER.get().node("isolating").nodeJvmPid());
  }

  @Test
  void anActorWithJvmOptionsRunsInAJvmStartedWithThem() {
    JvmResult r = driver("jvm-options");
    assertEquals("1", r.result("actor-x"), r.describe());
    long maxMb = Long.parseLong(r.result("actor-max-mb"));
    assertTrue(maxMb <= 256 && maxMb > 100, "-Xmx256m gave a heap of " + maxMb + " MB\n" + r.describe());
    long actorPid = Long.parseLong(r.result("actor-pid"));
    assertTrue(!nodePids().contains(actorPid), "the actor ran in a node's JVM " + actorPid);
  }

  @Test
  void aTaskSeesTheEnvironmentVariablesOfItsRuntimeEnv() {
    JvmResult r = driver("env");
    assertEquals("from the task's env", r.result("env"), r.describe());
    assertTrue(!nodePids().contains(Long.parseLong(r.result("env-pid"))), r.describe());
  }

  @Test
  void aTaskLoadsAClassFromAJarOfItsRuntimeEnv() throws Exception {
    Path jar = greeterJar(CLUSTER.get().tmpDir().resolve("greeter-" + System.nanoTime()));
    JvmResult r = driver("jar", jar.toString());
    assertEquals("hello from a java_jars jar", r.result("greeting"), r.describe());
    // the jar travelled as a content-addressed package, fetched into the node's cache
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(Files.readAllBytes(jar)));
    String classPath = r.result("class-path");
    assertTrue(classPath.contains(sha + ".jar") && !classPath.contains(jar.toString()), classPath);
  }

  @Test
  void systemExitInATaskFailsThatTaskAloneWithRayWorkerException() {
    JvmResult r = driver("exit");
    assertEquals("RayWorkerException", r.result("exit"), r.describe());
    assertEquals("yes", r.result("after-exit"), r.describe());
    assertTrue(CLUSTER.get().head().isAlive() && CLUSTER.get().node("isolating").isAlive());
  }

  @Test
  void aTaskWhoseProcessIsKilledIsRetried() throws Exception {
    Path dir = Files.createDirectories(CLUSTER.get().tmpDir().resolve("kill-" + System.nanoTime()));
    JvmResult r = driver("kill-task", dir.toString());
    assertEquals("ran again after its process was killed", r.result("retried"), r.describe());
  }

  @Test
  void anActorWhoseProcessIsKilledRestartsInANewOne() {
    JvmResult r = driver("kill-actor");
    assertEquals("true", r.result("restarted"), r.describe());
    assertEquals("2", r.result("restarted-x"), r.describe());
  }

  @Test
  void anIsolatingNodeRunsEveryTaskInAWorkerProcess() {
    JvmResult r = driver("pinned", "ISO");
    long pid = Long.parseLong(r.result("pinned-pid"));
    assertNotEquals(CLUSTER.get().node("isolating").nodeJvmPid(), pid, r.describe());
    assertEquals("RayWorkerException", r.result("pinned-exit"), r.describe());
    assertEquals(r.result("pinned-pid"), r.result("pinned-again-pid"),
        "the process is reused by the job's next task\n" + r.describe());
    assertEquals(CLUSTER.get().node("isolating").nodeId(), r.result("pinned-node"),
        "a task in a worker process is on its node, as Ray's RuntimeContext says\n" + r.describe());
  }

  @Test
  void aTaskInheritsTheJobsRuntimeEnvUnderItsOwn() {
    JvmResult r = CLUSTER.get().runDriver(DRIVER_TIMEOUT, List.of("-Djray.job.runtime-env="
        + "{\"env_vars\":{\"JOB_VAR\":\"job\",\"BOTH\":\"job\"}}"),
        WorkerProcessDriver.class, "job-env");
    assertTrue(r.ok(), r.describe());
    assertEquals("JOB_VAR=job,BOTH=task", r.result("own"), r.describe());
    assertEquals("JOB_VAR=job,BOTH=job", r.result("inherited"), r.describe());
  }

  @Test
  void aBadJobRuntimeEnvFailsTheDriverNamingTheField() {
    JvmResult r = CLUSTER.get().runDriver(DRIVER_TIMEOUT,
        List.of("-Djray.job.runtime-env={\"java_jars\":\"not-a-list\"}"),
        WorkerProcessDriver.class, "env");
    assertTrue(!r.ok() && r.output().contains("java_jars"), r.describe());
  }

  @Test
  void concurrentGpuTasksInWorkerProcessesSeeDisjointIdsAsCudaVisibleDevices() {
    String gpus = driver("gpus").result("gpus");
    String[] views = gpus.split(";");
    assertEquals(2, views.length, gpus);
    for (String v : views) {
      String[] idsAndEnv = v.split("=");
      assertEquals(idsAndEnv[0], "[" + idsAndEnv[1] + "]", "getGpuIds against CUDA_VISIBLE_DEVICES: " + gpus);
    }
    assertNotEquals(views[0].split("=")[1], views[1].split("=")[1], "two tasks held one GPU: " + gpus);
  }

  @Test
  void jrayLogsShowsTheLogOfTheProcessAnActorRunsIn() {
    String line = "printed by the actor " + System.nanoTime();
    JvmResult r = CLUSTER.get().runDriver(DRIVER_TIMEOUT, List.of("-Djray.namespace=logs"),
        WorkerProcessDriver.class, "logging-actor", line);
    assertTrue(r.ok(), r.describe());
    try {
      JvmResult logs = CLUSTER.get().cli(DRIVER_TIMEOUT, List.of(), "logs", "actor", "--address",
          CLUSTER.get().jobsAddress(), "--id", r.result("actor-id"));
      assertEquals(0, logs.exitCode(), logs.describe());
      assertTrue(logs.output().contains(line), logs.describe());
    } finally {
      CLUSTER.get().runDriver(DRIVER_TIMEOUT, List.of("-Djray.namespace=logs"),
          WorkerProcessDriver.class, "kill-logging-actor");
    }
  }

  @Test
  void concurrencyGroupsHoldInAWorkerProcess() {
    JvmResult r = driver("groups");
    assertEquals("true,true", r.result("met"), r.describe());
    assertEquals("true", r.result("released"), r.describe());
    assertTrue(!nodePids().contains(Long.parseLong(r.result("groups-pid"))), r.describe());
  }

  /** A jar holding extra.Greeter, compiled here. */
  private static Path greeterJar(Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/extra")).resolve("Greeter.java");
    Files.writeString(src, "package extra; public class Greeter { public static String greet() {"
        + " return \"hello from a java_jars jar\"; } }");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        src.toString());
    assertEquals(0, rc, "javac failed");
    Path jar = dir.resolve("greeter.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("extra/Greeter.class"));
      try (OutputStream o = out) {
        Files.copy(classes.resolve("extra/Greeter.class"), o);
      }
    }
    return jar;
  }
}
