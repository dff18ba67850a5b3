package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ActorDriver;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Await;
import dev.jray.gcs.time.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster token end to end: the head started without one writes a new one for its user only
 * and never prints it; a worker, a driver and {@code status} with another token each fail with
 * one line naming the cause, while the head keeps running and says whom it refused; a worker
 * given the head's file joins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300)
class TokenIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("TokenIT", c -> c.startHead(null));

  @Test
  @Order(1)
  void theHeadWritesItsTokenForItsUserOnlyAndPrintsWhereNeverWhat() throws IOException {
    LocalCluster c = CLUSTER.get();
    Path file = c.tokenFile();
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();

    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    assertEquals(2 * ClusterToken.GENERATED_BYTES, token.length());
    String joinLine = "start --address " + c.headAddress() + " --token-file " + file;
    // the lines after the up line may still be on their way to the log file
    Await.until(Time.SYSTEM, Duration.ofSeconds(10),
        () -> ChildJvm.read(c.head().log()).contains(joinLine));
    String headOutput = ChildJvm.read(c.head().log());
    assertFalse(headOutput.contains(token), "the head printed its token");
    assertTrue(headOutput.contains(joinLine), headOutput);
    assertTrue(headOutput.contains("JRAY_CLUSTER_TOKEN_FILE=" + file), headOutput);
  }

  @Test
  @Order(2)
  void aWorkerWithAnotherTokenExitsWithOneLineAndTheHeadRefusesItAndRuns() throws IOException {
    LocalCluster c = CLUSTER.get();
    ChildJvm worker = c.startNode("worker-wrong-token", List.of("start", "--address",
        c.headAddress(), "--num-cpus", "1", "--token-file", anotherToken(c).toString(),
        "--block"), List.of());
    JvmResult r = worker.await(TIMEOUT);

    assertNotEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("jray: cannot join the cluster at " + c.headAddress()
        + ": no member there has this cluster token (wrong token?)"), r.describe());
    assertFalse(r.output().contains("\tat "), "a stack trace, not one line: " + r.describe());
    assertTrue(c.head().isAlive());
    assertTrue(ChildJvm.read(c.head().log()).contains("refused a Hazelcast member at "),
        ChildJvm.read(c.head().log()));
    assertEquals(1, c.status().active().size());
  }

  @Test
  @Order(3)
  void aDriverWithAnotherTokenFailsRayInitNamingTheCause() throws IOException {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.runDriver(TIMEOUT,
        List.of("-Djray.token-file=" + anotherToken(c)), ActorDriver.class, "1", "CPU", "1");

    assertNotEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("cannot join the cluster at " + c.headAddress()
        + ": no member there has this cluster token (wrong token?)"), r.describe());
    assertFalse(r.output().contains("RESULT driver-node"), r.describe());
  }

  @Test
  @Order(4)
  void statusWithAnotherTokenFailsWithOneLine() throws IOException {
    LocalCluster c = CLUSTER.get();
    JvmResult r = c.cli(TIMEOUT, List.of(), "status", "--address", c.headAddress(),
        "--token-file", anotherToken(c).toString());

    assertEquals(1, r.exitCode(), r.describe());
    assertEquals("cannot connect to the cluster at " + c.headAddress()
        + ": no member there has this cluster token (wrong token?)", r.output().strip(),
        r.describe());
  }

  @Test
  @Order(5)
  void aWorkerGivenTheHeadsTokenFileJoins() {
    LocalCluster c = CLUSTER.get();
    c.awaitUp(c.startNode("worker-token-file", List.of("start", "--address", c.headAddress(),
        "--num-cpus", "1", "--token-file", c.tokenFile().toString(), "--block"), List.of()),
        TIMEOUT);

    Status s = c.awaitStatus(st -> st.active().size() == 2, Duration.ofSeconds(30));
    assertEquals(2, s.active().size(), s.toString());
  }

  /** A file, readable by its owner only, with a token that is not the cluster's. */
  private static Path anotherToken(LocalCluster c) throws IOException {
    Path file = Files.createTempFile(c.logDir(), "another-token", "");
    Files.delete(file);
    ClusterToken.generate().write(file);
    return file;
  }
}
