package dev.jray.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jray stop} in this JVM, against node records of processes this test starts: it signals
 * a pid only while it runs the process recorded for it.
 */
class StopCommandTest {
  @TempDir Path tmp;
  private String savedTmpDir;
  private Process process;

  @BeforeEach
  void ownNodeDirectory() throws Exception {
    savedTmpDir = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", tmp.toString()); // NodeProcesses keeps its records there
    // stands in for a node: any process this test owns
    process = new ProcessBuilder("sleep", "120").start();
  }

  @AfterEach
  void restore() throws Exception {
    System.setProperty("java.io.tmpdir", savedTmpDir);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void aRecordedNodeThatStillRunsIsStopped() throws Exception {
    Path record = NodeProcesses.record(process.toHandle(), "worker", "127.0.0.1:6379", null);

    Result stop = stop();

    assertTrue(stop.out.contains("Stopped jray worker node (pid " + process.pid() + ")."), stop.out);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the recorded process still runs");
    assertFalse(Files.exists(record));
  }

  @Test
  void aPidNowRunningAnotherProcessIsLeftAloneAndItsRecordRemovedWithOneLine() throws Exception {
    Path record = NodeProcesses.record(process.toHandle(), "worker", "127.0.0.1:6379", null);
    // as if the node had run under this pid and ended, and the system gave the pid to `sleep`
    Properties node = new Properties();
    try (var in = Files.newInputStream(record)) {
      node.load(in);
    }
    node.setProperty("start", Instant.now().minus(Duration.ofHours(3)).toString());
    node.setProperty("command", "/usr/bin/java -jar jray.jar start --address 127.0.0.1:6379 --block");
    try (var out = Files.newOutputStream(record)) {
      node.store(out, "jray node");
    }

    Result stop = stop();

    assertTrue(process.isAlive(), "stop signalled an unrelated process");
    assertFalse(Files.exists(record), "the stale record is still there");
    String removed = stop.out.lines().filter(l -> l.contains(record.getFileName().toString()))
        .findFirst().orElse("");
    assertTrue(removed.contains("pid " + process.pid() + " now belongs to another process, which is"
        + " left alone"), stop.out);
    assertTrue(stop.out.contains("No jray nodes started on this machine are running."), stop.out);
  }

  @Test
  void aRecordOfAProcessThatEndedIsRemovedWithOneLine() throws Exception {
    Path record = NodeProcesses.record(process.toHandle(), "head", "127.0.0.1:6379", null);
    process.destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));

    Result stop = stop();

    assertFalse(Files.exists(record));
    assertTrue(stop.out.contains("the jray head node (pid " + process.pid() + ") no longer runs"),
        stop.out);
  }

  private record Result(int exit, String out) {}

  private static Result stop() {
    StringWriter out = new StringWriter();
    CommandLine cli = JrayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int exit = cli.execute("stop");
    assertEquals(0, exit, out.toString());
    return new Result(exit, out.toString());
  }
}
