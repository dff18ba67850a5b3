package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ActorLookupDriver;
import dev.jray.cluster.drivers.HandStartedDriver;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ray Jobs across JVMs (issue #19 'Done when'): a head with two job queues of one running job
 * each and two workers (resource W), driven only through {@code java -jar jray.jar job ...}. A
 * real program compiled here into its working dir, with a dependency jar from java_jars and an
 * env var, runs to SUCCEEDED on the workers; a long job is stopped and its actor is gone; a
 * failing one is FAILED with its exit code; the queues admit by priority and a PENDING job is
 * stopped; a hand-started driver is listed. The methods run in order on one cluster. (The
 * history across a restart of the whole cluster: JobsHistoryIT.)
 */
@Timeout(value = 900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsIT {
  private static final Duration CLI = Duration.ofSeconds(180);
  private static final Duration STATE = Duration.ofSeconds(120);
  private static final String NAMESPACE = "jobs-it";

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("JobsIT", c -> {
    c.startHead(null, List.of("--job-queues", "qa:running=1;qb:running=1"));
    var w1 = c.startWorkerAsync("worker1", "{\"W\":2}");
    var w2 = c.startWorkerAsync("worker2", "{\"W\":2}");
    c.awaitUp(w1, Duration.ofSeconds(120));
    c.awaitUp(w2, Duration.ofSeconds(120));
  });

  // ------------------------------------------------------------------ the program

  /** The job's working dir (JobMain.class) and its dependency jar (dep.Greeter), built here. */
  private record Program(Path workingDir, Path dependencyJar) {}

  private static Program program;

  private static synchronized Program program(LocalCluster c) throws IOException {
    if (program != null) {
      return program;
    }
    Path root = c.logDir().resolve("program");
    Path depClasses = Files.createDirectories(root.resolve("dep-classes"));
    Path workingDir = Files.createDirectories(root.resolve("working-dir"));
    Path src = Files.createDirectories(root.resolve("src/dep"));
    Files.writeString(src.resolve("Greeter.java"), resource("Greeter.java.txt"));
    Files.writeString(root.resolve("src/JobMain.java"), resource("JobMain.java.txt"));
    compile(depClasses, c.jar().toString(), src.resolve("Greeter.java"));
    Path jar = root.resolve("greeter.jar");
    jar(depClasses, jar);
    compile(workingDir, c.jar() + java.io.File.pathSeparator + jar, root.resolve("src/JobMain.java"));
    program = new Program(workingDir, jar);
    return program;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = JobsIT.class.getResourceAsStream("/jobs-it/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void compile(Path out, String classPath, Path source) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", out.toString(), "-cp", classPath, source.toString());
    assertEquals(0, rc, "javac " + source);
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        var walk = Files.walk(classes)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  /**
   * The entrypoint words that run JobMain from its working dir, jray and java_jars on the path,
   * as the README writes them: the head's jar first, its class archive mapped.
   */
  private static List<String> javaMain(String... args) {
    List<String> words = new ArrayList<>(List.of("java", "$JRAY_JAVA_OPTIONS",
        "-Djray.namespace=" + NAMESPACE, "-Dhazelcast.phone.home.enabled=false", "-cp",
        "$JRAY_CLASSPATH:.:$CLASSPATH", "JobMain"));
    words.addAll(List.of(args));
    return words;
  }

  // ------------------------------------------------------------------ the CLI

  private static JvmResult job(String sub, List<String> args) {
    LocalCluster c = CLUSTER.get();
    List<String> all = new ArrayList<>(List.of("job", sub, "--address", c.jobsAddress()));
    all.addAll(args);
    return c.cli(CLI, List.of(), all.toArray(String[]::new));
  }

  private static JvmResult submit(String id, List<String> options, List<String> entrypoint) {
    List<String> args = new ArrayList<>(List.of("--submission-id", id));
    args.addAll(options);
    args.add("--");
    args.addAll(entrypoint);
    return job("submit", args);
  }

  /** Every job {@code job list} prints, by submission id (drivers under their job_id). */
  private static JsonArray list() {
    JvmResult r = job("list", List.of());
    assertTrue(r.ok(), r.describe());
    String out = r.output();
    return new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1));
  }

  private static JsonObject details(String id) {
    for (Object o : list()) {
      JsonObject j = (JsonObject) o;
      if (id.equals(j.getString("submission_id"))) {
        return j;
      }
    }
    throw new AssertionError("job " + id + " is not listed");
  }

  private static String status(String id) {
    return details(id).getString("status");
  }

  private static void awaitStatus(String id, String status) {
    String[] last = new String[1];
    boolean reached = Await.until(Time.SYSTEM, STATE, () -> status.equals(last[0] = status(id)));
    assertTrue(reached, "job " + id + " is " + last[0] + ", not " + status);
  }

  // ------------------------------------------------------------------ the cases

  @Test
  @Order(1)
  void aJavaProgramWithItsWorkingDirJarAndEnvRunsToSucceededOnTheWorkers() throws IOException {
    LocalCluster c = CLUSTER.get();
    Program p = program(c);
    String env = new JsonObject().put("java_jars", List.of(p.dependencyJar().toString()))
        .put("env_vars", new JsonObject().put("JOB_WHO", "jobs-it")).encode();
    JvmResult r = submit("greet-1", List.of("--working-dir", p.workingDir().toString(),
        "--runtime-env-json", env), javaMain());

    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("Job 'greet-1' submitted successfully"), r.describe());
    assertEquals(4, r.output().lines().filter(l -> l.startsWith("GREETING hello jobs-it on ")).count(),
        r.describe());
    String workers = c.node("worker1").nodeId() + "|" + c.node("worker2").nodeId();
    assertTrue(r.output().lines().filter(l -> l.startsWith("GREETING"))
        .allMatch(l -> l.matches("GREETING hello jobs-it on (" + workers + ")")), r.describe());
    assertTrue(r.output().contains("Job 'greet-1' succeeded"), r.describe());
    JsonObject d = details("greet-1");
    assertEquals("SUCCEEDED", d.getString("status"));
    assertEquals("SUBMISSION", d.getString("type"));
    assertEquals(0, d.getInteger("driver_exit_code"));
    JsonObject driverInfo = d.getJsonObject("driver_info");
    assertEquals(d.getString("job_id"), driverInfo.getString("id"), d.encode());
    assertTrue(driverInfo.getString("pid").matches("[1-9][0-9]*"), "its driver's pid: " + d.encode());
    assertFalse(driverInfo.getString("node_ip_address").isEmpty(), d.encode());
    // its driver attached to the node that started it, as Ray's to its raylet: no member
    String driverId = driverInfo.getString("id");
    JvmResult workersOut = c.cli(CLI, List.of(), "list", "workers", "--address", c.jobsAddress(),
        "--filter", "worker_type=DRIVER", "--detail", "--format", "json");
    assertEquals(0, workersOut.exitCode(), workersOut.describe());
    String out = workersOut.output();
    JsonArray drivers = new JsonArray(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1));
    String entrypointNodes = c.node("head").nodeId() + "|" + c.node("worker1").nodeId() + "|"
        + c.node("worker2").nodeId();
    assertFalse(drivers.isEmpty(), out);
    assertTrue(drivers.stream().map(o -> ((JsonObject) o).getString("node_id"))
        .anyMatch(n -> n != null && n.matches(entrypointNodes)),
        "job " + driverId + "'s driver is listed on a node of the cluster: " + out);
  }

  @Test
  @Order(2)
  void aLongJobStoppedIsStoppedAndItsDriversActorIsGone() throws IOException {
    LocalCluster c = CLUSTER.get();
    Program p = program(c);
    String env = new JsonObject().put("java_jars", List.of(p.dependencyJar().toString())).encode();
    JvmResult r = submit("hold-1", List.of("--no-wait", "--working-dir",
        p.workingDir().toString(), "--runtime-env-json", env), javaMain("hold", "holder"));
    assertTrue(r.ok(), r.describe());
    Await.until("the held actor answers", STATE, () -> job("logs", List.of("hold-1")).output()
        .contains("HOLDING pong"));
    assertEquals("RUNNING", status("hold-1"));

    JvmResult stop = job("stop", List.of("hold-1"));
    assertTrue(stop.ok(), stop.describe());
    assertTrue(stop.output().contains("Job 'hold-1' was stopped"), stop.describe());
    assertEquals("STOPPED", status("hold-1"));
    JvmResult lookup = c.runDriver(CLI, List.of("-Djray.namespace=" + NAMESPACE),
        ActorLookupDriver.class, "holder");
    assertEquals("false", lookup.result("found"), lookup.describe());
  }

  @Test
  @Order(3)
  void aFailingJobIsFailedWithItsExitCode() {
    JvmResult r = submit("fail-1", List.of(), List.of("sh", "-c", "echo about to fail; exit 3"));
    assertEquals(1, r.exitCode(), r.describe());
    assertTrue(r.output().contains("about to fail"), r.describe());
    assertTrue(r.output().contains("Job 'fail-1' failed"), r.describe());
    JsonObject d = details("fail-1");
    assertEquals("FAILED", d.getString("status"));
    assertEquals(3, d.getInteger("driver_exit_code"), d.encode());
  }

  @Test
  @Order(4)
  void queuesAdmitOneJobEachByPriorityAndAPendingJobStops() {
    List<String> sleep = List.of("sleep", "600");
    assertTrue(submit("qa-first", List.of("--no-wait", "--queue", "qa"), sleep).ok());
    awaitStatus("qa-first", "RUNNING");
    assertTrue(submit("qa-low", List.of("--no-wait", "--queue", "qa", "--priority", "1"), sleep).ok());
    assertTrue(submit("qa-high", List.of("--no-wait", "--queue", "qa", "--priority", "5"), sleep).ok());
    assertTrue(submit("qb-only", List.of("--no-wait", "--queue", "qb"), sleep).ok());
    awaitStatus("qb-only", "RUNNING"); // the other queue's quota is its own

    JsonObject low = details("qa-low");
    assertEquals("PENDING", low.getString("status"));
    assertTrue(low.getString("message", "").contains("qa"), "says what it waits for: " + low.encode());
    assertEquals("PENDING", status("qa-high"));

    assertTrue(job("stop", List.of("qa-first")).ok());
    awaitStatus("qa-high", "RUNNING"); // the higher priority goes first, though submitted later
    assertEquals("PENDING", status("qa-low"));

    JvmResult stopPending = job("stop", List.of("qa-low"));
    assertTrue(stopPending.ok(), stopPending.describe());
    assertEquals("STOPPED", status("qa-low"));
    assertEquals("RUNNING", status("qa-high"), "a stopped PENDING job frees nothing it never held");
    assertTrue(job("stop", List.of("qa-high")).ok());
    assertTrue(job("stop", List.of("qb-only")).ok());
  }

  @Test
  @Order(5)
  void aHandStartedDriverIsListedBesideTheSubmissions() throws IOException {
    LocalCluster c = CLUSTER.get();
    Path release = c.tmpDir().resolve("release-hand-driver");
    ChildJvm driver = c.startDriver(List.of(), HandStartedDriver.class, release.toString());
    driver.awaitLine("^RESULT up=true$", STATE);
    JsonArray jobs = list();
    List<JsonObject> drivers = jobs.stream().map(o -> (JsonObject) o)
        .filter(j -> "DRIVER".equals(j.getString("type")) && "RUNNING".equals(j.getString("status")))
        .toList();
    String pid = Long.toString(driver.process().pid());
    JsonObject mine = drivers.stream()
        .filter(j -> pid.equals(j.getJsonObject("driver_info").getString("pid"))).findFirst()
        .orElseThrow(() -> new AssertionError("no DRIVER with pid " + pid + " among " + jobs.encodePrettily()));
    assertTrue(mine.getString("entrypoint").contains(HandStartedDriver.class.getName()),
        "its command line: " + mine.encode());
    assertEquals(mine.getString("job_id"), mine.getJsonObject("driver_info").getString("id"));
    assertFalse(mine.getJsonObject("driver_info").getString("node_ip_address").isEmpty(), mine.encode());
    assertEquals(new JsonObject(), mine.getJsonObject("metadata"));
    Files.writeString(release, "done");
    assertTrue(driver.await(CLI).ok());
  }

  @Test
  @Order(6)
  void anEntrypointAskingForResourcesRunsOnANodeWithRoomAndFailsWithItsNode() {
    LocalCluster c = CLUSTER.get();
    List<String> needsAWorker = List.of("--no-wait", "--entrypoint-resources", "{\"W\": 2}");
    List<String> sleeper = List.of("sh", "-c", "echo placed-here; sleep 600");
    assertTrue(submit("placed-1", needsAWorker, sleeper).ok());
    assertTrue(submit("placed-2", needsAWorker, sleeper).ok());
    awaitStatus("placed-1", "RUNNING");
    awaitStatus("placed-2", "RUNNING");
    Map<String, LocalNode> workers = Map.of(c.node("worker1").nodeId(), c.node("worker1"),
        c.node("worker2").nodeId(), c.node("worker2"));
    String first = details("placed-1").getString("driver_node_id");
    String second = details("placed-2").getString("driver_node_id");
    assertTrue(workers.containsKey(first) && workers.containsKey(second) && !first.equals(second),
        "each entrypoint holds all of one worker's W: " + first + ", " + second + " of " + workers.keySet());
    JvmResult logs = job("logs", List.of("placed-1"));
    assertTrue(logs.output().contains("placed-here"), "the log is served from the worker: " + logs.describe());

    assertTrue(submit("placed-3", needsAWorker, sleeper).ok());
    Await.until(Time.SYSTEM, STATE, () -> details("placed-3").getString("message", "").contains("waiting for a node"));
    assertEquals("PENDING", status("placed-3"), "no node has W free: " + details("placed-3").encode());

    c.kill(workers.get(first));
    awaitStatus("placed-1", "FAILED");
    assertTrue(details("placed-1").getString("message").contains("left the cluster"),
        details("placed-1").encode());

    assertTrue(job("stop", List.of("placed-2")).ok());
    awaitStatus("placed-2", "STOPPED");
    awaitStatus("placed-3", "RUNNING"); // the W that placed-2 held is free again
    assertEquals(second, details("placed-3").getString("driver_node_id"));
    assertTrue(job("stop", List.of("placed-3")).ok());
    awaitStatus("placed-3", "STOPPED");
  }
}
