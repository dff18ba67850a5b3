package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ClientApiDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Ray Client on a real cluster: a head (its client port given, a reconnect grace of 3 s) and a
 * worker in their own JVMs. A driver run as a client ({@code jray://}) gets the same results as
 * the same driver run as a member; a client holds one TCP connection, to the client port, and no
 * listening socket; SIGKILLing a client ends its session after the grace, and its actors with it.
 */
@Timeout(value = 300)
class RayClientIT {
  private static final int CLIENT_PORT = LocalCluster.freePort();
  private static final Set<String> PER_DRIVER = Set.of("driver-node", "init-ms", "namespace");

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("RayClientIT", c -> {
    c.startHead(null, List.of("--ray-client-server-port", Integer.toString(CLIENT_PORT)),
        "-Djray.client.reconnect-grace-seconds=3");
    c.startWorker("worker1", null);
  });

  private static String clientAddress() {
    return "jray://127.0.0.1:" + CLIENT_PORT;
  }

  @Test
  void aClientGetsTheSameResultsAsAMemberDriver() {
    LocalCluster c = CLUSTER.get();
    JvmResult member = c.runDriver(Duration.ofSeconds(180), List.of("-Djray.namespace=member"),
        ClientApiDriver.class, "api");
    assertTrue(member.ok(), member.describe());
    JvmResult client = c.startDriver(clientAddress(), List.of("-Djray.namespace=client"),
        ClientApiDriver.class, "api").await(Duration.ofSeconds(180));
    assertTrue(client.ok(), client.describe());
    assertEquals("client", client.result("namespace"));
    Map<String, String> expected = new HashMap<>(member.results());
    Map<String, String> got = new HashMap<>(client.results());
    PER_DRIVER.forEach(k -> {
      expected.remove(k);
      got.remove(k);
    });
    assertEquals(expected, got, "the client's results differ from the member driver's");
    // a sanity check of the member's own results, so that two equal wrong answers fail too
    assertEquals("49", expected.get("task"));
    assertEquals("328350", expected.get("get-list"));
    assertEquals("30", expected.get("returned-refs"));
    assertEquals("2", expected.get("returned-actor"));
    assertEquals("5/1 slow-unready=true", expected.get("wait"));
    assertEquals("RayTimeoutException", expected.get("get-timeout"));
    assertEquals("RayTaskException true", expected.get("task-error"));
    assertEquals("CREATED", expected.get("group-state"));
    assertEquals("RayActorException", expected.get("killed-actor"));
  }

  @Test
  void aKilledClientsActorsEndWithItsSessionAndItHeldOnlyItsOneConnection() throws Exception {
    LocalCluster c = CLUSTER.get();
    ChildJvm client = c.startDriver(clientAddress(), List.of("-Djray.namespace=held"),
        ClientApiDriver.class, "hold", "held-counter");
    client.awaitLine("HOLDING", Duration.ofSeconds(120));
    List<String> sockets = tcpSockets(client.process().pid());
    assertFalse(sockets.isEmpty(), "the client holds no TCP socket");
    for (String s : sockets) {
      assertEquals("established to " + CLIENT_PORT, s,
          "a Ray Client's sockets: " + sockets);
    }
    client.process().destroyForcibly(); // SIGKILL: no goodbye reaches the head
    client.process().waitFor();
    JvmResult gone = c.runDriver(Duration.ofSeconds(120), List.of("-Djray.namespace=held"),
        ClientApiDriver.class, "gone", "held-counter");
    assertTrue(gone.ok(), gone.describe());
    assertEquals("true", gone.result("gone"), "the killed client's actor still lives");
  }

  /** Each TCP socket of process {@code pid}: "listening on P" or "established to P". */
  private static List<String> tcpSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the fd closed while listed
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path file = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        if (!inodes.contains(f[9])) {
          continue;
        }
        if (table.startsWith("udp")) {
          out.add("udp " + f[1]);
          continue;
        }
        int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        int remotePort = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        out.add(f[3].equals("0A") ? "listening on " + localPort
            : f[3].equals("01") ? "established to " + remotePort : "state " + f[3] + " to "
                + remotePort);
      }
    }
    return out;
  }
}
