package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI as a user runs it: {@code start} in the background, {@code status}, {@code stop}; a
 * head refusing a taken port; and the node JVM {@code start --block} runs, with its class archive. Every JVM here runs with its own {@code java.io.tmpdir} (see {@link
 * LocalCluster}), so {@code stop} sees, and ends, only the nodes these tests started; still, the
 * tests run one after the other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180)
class CliIT {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern STARTED = Pattern.compile("Started a jray head node \\(pid (\\d+)\\)");
  private static final Pattern ADDRESS = Pattern.compile("Cluster address: (\\S+)");
  private static final Pattern LOG = Pattern.compile("Log: (\\S+)");

  @RegisterExtension
  static final ClusterExtension CLI = new ClusterExtension("CliIT", c -> { });

  @Test
  @Order(1)
  void backgroundHeadStartsAnswersStatusAndStops() throws Exception {
    LocalCluster c = CLI.get();
    int port = LocalCluster.freePort();
    JvmResult start = null;
    JvmResult status = null;
    JvmResult defaultStatus = null;
    JvmResult stop;
    long pid = -1;
    try {
      start = c.cli(CLI_TIMEOUT, List.of(), "start", "--head", "--port", Integer.toString(port),
          "--dashboard-port", Integer.toString(LocalCluster.freePort()), "--num-cpus", "2");
      Matcher m = STARTED.matcher(start.output());
      if (m.find()) {
        pid = Long.parseLong(m.group(1));
      }
      if (start.ok() && pid > 0) {
        status = c.cli(CLI_TIMEOUT, List.of(), "status", "--address", "127.0.0.1:" + port);
        // with no --address, status finds the head started on this machine
        defaultStatus = c.cli(CLI_TIMEOUT, List.of(), "status");
      }
    } finally {
      stop = c.cli(CLI_TIMEOUT, List.of(), "stop");
      if (pid > 0) {
        awaitGone(c, pid, Duration.ofSeconds(30));
      }
    }
    String nodeLog = start.output().lines().map(LOG::matcher).filter(Matcher::find).findFirst()
        .map(l -> "\nthe node's log " + l.group(1) + ":\n" + ChildJvm.tail(ChildJvm.read(Path.of(l.group(1))), 60))
        .orElse("");

    assertTrue(start.ok(), start.describe() + nodeLog);
    assertTrue(pid > 0, "start printed no pid:\n" + start.describe());
    Matcher address = ADDRESS.matcher(start.output());
    assertTrue(address.find(), "start printed no cluster address:\n" + start.describe());
    assertEquals("127.0.0.1:" + port, address.group(1), start.describe());

    assertTrue(status.ok(), status.describe() + nodeLog);
    Status s = Status.parse(status.output());
    assertEquals(1, s.active().size(), "status of a lone head:\n" + s + nodeLog);
    assertEquals("head", s.active().get(0).role(), s.toString());
    assertEquals(2.0, s.total("CPU"), s.toString());
    assertTrue(s.noDemands(), s.toString());
    assertTrue(defaultStatus.ok(), "status without --address: " + defaultStatus.describe());
    assertEquals(s.activeIds(), Status.parse(defaultStatus.output()).activeIds(), defaultStatus.describe());

    assertTrue(stop.ok(), stop.describe());
    assertTrue(stop.output().contains("Stopped jray head node (pid " + pid + ")"), stop.describe());
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false,
        "the head (pid " + pid + ") still runs after stop");
    try (var files = Files.list(c.tmpDir().resolve("jray").resolve("nodes"))) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".node")).toList(),
          "pid files left after stop");
    }

    JvmResult again = c.cli(CLI_TIMEOUT, List.of(), "stop");
    assertTrue(again.ok(), again.describe());
    assertTrue(again.output().contains("No jray nodes"), "a second stop:\n" + again.describe());
  }

  /** Waits for a process this test started (indirectly) to end; SIGKILLs it if it does not. */
  private static void awaitGone(LocalCluster c, long pid, Duration timeout) throws Exception {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty()) {
      return;
    }
    try {
      p.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      c.log("pid " + pid + " still runs " + timeout.toSeconds() + " s after stop: SIGKILL");
      p.get().destroyForcibly();
      fail("the background head (pid " + pid + ") did not end after `stop`");
    }
  }

  @Test
  @Order(2)
  void headOnATakenPortFailsNamingThePort() throws IOException {
    LocalCluster c = CLI.get();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      String port = Integer.toString(taken.getLocalPort());
      try {
        JvmResult block = c.cli(CLI_TIMEOUT, List.of(), "start", "--head", "--port", port,
            "--num-cpus", "2", "--block");
        assertNotEquals(0, block.exitCode(), "start --block on a taken port: " + block.describe());
        assertTrue(block.output().contains(port), "the message does not name port " + port + ": " + block.describe());

        JvmResult background = c.cli(CLI_TIMEOUT, List.of(), "start", "--head", "--port", port,
            "--num-cpus", "2");
        assertNotEquals(0, background.exitCode(), "start (background) on a taken port: " + background.describe());
        assertTrue(background.output().contains(port), "the message does not name port " + port + ": "
            + background.describe());
      } finally {
        // should there be a node after all, end it
        c.cli(CLI_TIMEOUT, List.of(), "stop");
      }
    }
  }
  @Test
  @Order(3)
  void aNodeWritesTheClassArchiveTheNextNodeMapsAndDiesWithItsLauncher() throws Exception {
    LocalCluster c = CLI.get();
    Path cache = c.tmpDir().resolve("class-cache");
    ChildJvm first = c.startNode("archive-1", headBlockArgs(), List.of("-Djray.cache-dir=" + cache));
    c.awaitUp(first, CLI_TIMEOUT);
    first.process().destroy(); // as Ctrl-C: the node stops, and its JVM writes the archive as it exits
    assertTrue(first.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "the first head did not stop");
    Path archive;
    try (var dirs = Files.list(cache.resolve("nodes"))) {
      archive = dirs.map(d -> d.resolve("node.jsa")).filter(Files::isRegularFile).findFirst()
          .orElseThrow(() -> new AssertionError("no class archive under " + cache));
    }

    ChildJvm second = c.startNode("archive-2", headBlockArgs(), List.of("-Djray.cache-dir=" + cache));
    c.awaitUp(second, CLI_TIMEOUT);
    ProcessHandle nodeJvm = second.process().toHandle().children().findFirst()
        .orElseThrow(() -> new AssertionError("start --block runs no node JVM"));
    List<String> nodeArgs = List.of(nodeJvm.info().arguments().orElse(new String[0]));
    assertTrue(nodeArgs.contains("-XX:SharedArchiveFile=" + archive), "the node JVM does not map "
        + archive + ": " + nodeArgs);

    // a driver started by hand gets the same: the cached jar first, the archive mapped
    JvmResult env = c.cli(CLI_TIMEOUT, List.of("-Djray.cache-dir=" + cache), "driver-env");
    assertEquals(0, env.exitCode(), env.describe());
    Matcher cp = Pattern.compile("export JRAY_CLASSPATH='([^']+)'")
        .matcher(env.output());
    Matcher options = Pattern.compile(
        "export JRAY_JAVA_OPTIONS='([^']+)'").matcher(env.output());
    assertTrue(cp.find() && options.find(), env.describe());
    assertEquals(archive.resolveSibling("jray.jar").toString(), cp.group(1));
    assertTrue(options.group(1).contains("-XX:SharedArchiveFile=" + archive), env.describe());
    List<String> driver = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString(), "-Xshare:on")); // on: fails unless the archive maps
    driver.addAll(List.of(options.group(1).split(" ")));
    driver.addAll(List.of("-cp", cp.group(1) + java.io.File.pathSeparator + c.tmpDir(),
        "dev.jray.cli.JrayCommand", "--help"));
    JvmResult mapped = c.launch("driver-env-java", driver, c.logDir().resolve("driver-env-java.log"))
        .await(CLI_TIMEOUT);
    assertEquals(0, mapped.exitCode(), "a JVM with JRAY_JAVA_OPTIONS and JRAY_CLASSPATH first"
        + " could not map the archive: " + mapped.describe());

    second.process().destroyForcibly(); // SIGKILL: no shutdown hook stops the node JVM
    try {
      nodeJvm.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      nodeJvm.destroyForcibly();
      fail("the node JVM outlived its killed launcher by 30 s");
    }
  }

  private static List<String> headBlockArgs() {
    return List.of("start", "--head", "--port", Integer.toString(LocalCluster.freePort()),
        "--dashboard-port", Integer.toString(LocalCluster.freePort()), "--num-cpus", "2", "--block");
  }
}
