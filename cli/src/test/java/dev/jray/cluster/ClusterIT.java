package dev.jray.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.cluster.drivers.ActorDriver;
import dev.jray.cluster.drivers.BigObjectsDriver;
import dev.jray.cluster.drivers.BorrowDriver;
import dev.jray.cluster.drivers.ExplicitFreeDriver;
import dev.jray.cluster.drivers.FreeDriver;
import dev.jray.cluster.drivers.NamedActorDriver;
import dev.jray.cluster.drivers.OwnedPutDriver;
import dev.jray.cluster.drivers.TasksDriver;
import dev.jray.cluster.drivers.VersionDriver;
import dev.jray.examples.EmbeddedServiceExample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The programming model across JVMs, on one shared cluster: a head and two workers (2 CPUs each;
 * worker 1 with {@code {"GPUX":1}}, worker 2 with {@code {"W2":1}} and a 1 GiB heap), drivers
 * joining it with {@code -Djray.address}. None of these tests changes the cluster's membership.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180)
class ClusterIT {
  static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(150);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension("ClusterIT", ClusterIT::startThreeNodes);

  /** Head, then both workers at once; waits until {@code status} lists all three. */
  static void startThreeNodes(LocalCluster c) {
    c.startHead(null, "-Xmx2g");
    var w1 = c.startWorkerAsync("worker1", "{\"GPUX\":1}", "-Xmx2g");
    var w2 = c.startWorkerAsync("worker2", "{\"W2\":1}", "-Xmx1g");
    c.awaitUp(w1, Duration.ofSeconds(120));
    c.awaitUp(w2, Duration.ofSeconds(120));
    Set<String> ids = c.nodes().stream().map(LocalNode::nodeId).collect(Collectors.toSet());
    Status s = c.awaitStatus(st -> st.activeIds().containsAll(ids), Duration.ofSeconds(60));
    assertTrue(s.activeIds().containsAll(ids), "status does not list all three nodes " + ids + ":\n" + s);
  }

  static LocalCluster cluster() {
    return CLUSTER.get();
  }

  static Map<String, Integer> perNode(String spec) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String[] kv = part.split(":");
      m.put(kv[0], Integer.parseInt(kv[1]));
    }
    return m;
  }

  @Test
  @Order(1)
  void statusListsThreeActiveNodesSixCpusAndNoDemandsWhenIdle() {
    LocalCluster c = cluster();
    // The nodes report their load every second: give the idle state a moment to show.
    Status s = c.awaitStatus(st -> st.active().size() == 3 && st.total("CPU") == 6.0 && st.noDemands()
        && st.used("CPU") == 0.0, Duration.ofSeconds(20));
    assertEquals(3, s.active().size(), "active nodes:\n" + s);
    assertEquals(Set.of(c.node("head").nodeId(), c.node("worker1").nodeId(), c.node("worker2").nodeId()),
        Set.copyOf(s.activeIds()), "active node ids:\n" + s);
    Map<String, String> roles = s.active().stream()
        .collect(Collectors.toMap(Status.ActiveNode::nodeId, Status.ActiveNode::role));
    assertEquals("head", roles.get(c.node("head").nodeId()), s.toString());
    assertEquals("worker", roles.get(c.node("worker1").nodeId()), s.toString());
    assertEquals("worker", roles.get(c.node("worker2").nodeId()), s.toString());
    assertTrue(s.active().stream().allMatch(n -> n.host().equals("127.0.0.1")), s.toString());
    assertEquals(6.0, s.total("CPU"), "CPU total:\n" + s);
    assertEquals(0.0, s.used("CPU"), "CPU used when idle:\n" + s);
    assertEquals(1.0, s.total("GPUX"), "GPUX total:\n" + s);
    assertEquals(1.0, s.total("W2"), "W2 total:\n" + s);
    assertTrue(s.hasObjectStoreLine(), "no object_store_memory line:\n" + s);
    assertTrue(s.text().contains("Recent failures:"), s.toString());
    assertTrue(s.noDemands(), "demands when idle:\n" + s);
  }

  @Test
  @Order(2)
  void shortCpuTasksRunOnAllThreeNodes() {
    LocalCluster c = cluster();
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, List.of(), TasksDriver.class, "300", "20");
    assertTrue(r.ok(), r.describe());
    assertEquals("300", r.result("tasks"), r.describe());
    Map<String, Integer> perNode = perNode(r.result("nodes"));
    c.log("300 tasks per node: " + perNode + " in " + r.result("tasks-ms") + " ms");
    assertEquals(300, perNode.values().stream().mapToInt(Integer::intValue).sum(), r.describe());
    assertEquals(Set.of(c.node("head").nodeId(), c.node("worker1").nodeId(), c.node("worker2").nodeId()),
        perNode.keySet(), "300 tasks ran on " + perNode + "\n" + r.describe());
  }

  @Test
  @Order(3)
  void tasksNeedingGpuxAllRunOnWorker1() {
    LocalCluster c = cluster();
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, List.of(), TasksDriver.class, "20", "10", "GPUX", "1.0");
    assertTrue(r.ok(), r.describe());
    Map<String, Integer> perNode = perNode(r.result("nodes"));
    assertEquals(Map.of(c.node("worker1").nodeId(), 20), perNode, r.describe());
  }

  @Test
  @Order(4)
  void actorOnARemoteNodeKeepsItsStateAcrossCalls() {
    LocalCluster c = cluster();
    int calls = 30;
    JvmResult r = c.runDriver(DRIVER_TIMEOUT, List.of(), ActorDriver.class,
        Integer.toString(calls), "GPUX", "0.5");
    assertTrue(r.ok(), r.describe());
    String expected = IntStream.rangeClosed(1, calls).mapToObj(Integer::toString).collect(Collectors.joining(","));
    assertEquals(expected, r.result("counts"), r.describe());
    assertEquals(c.node("worker1").nodeId(), r.result("actor-node"), r.describe());
    assertNotEquals(r.result("driver-node"), r.result("actor-node"), r.describe());
    // concurrency groups cross the wire: given at creation, declared by the class, picked per call
    assertEquals("true,true", r.result("met"), r.describe());
    assertEquals(c.node("worker1").nodeId(), r.result("rendezvous-node"), r.describe());
    assertEquals("true", r.result("released"), r.describe());
  }

  @Test
  @Order(5)
  void largeObjectsMoveBetweenNodes() {
    LocalCluster c = cluster();
    JvmResult r = c.runDriver(Duration.ofSeconds(170), List.of("-Xmx3g"), BigObjectsDriver.class,
        "GPUX", "W2", "256", "512");
    c.log("big objects: task object " + r.results().get("task-object-ms") + " ms, put object "
        + r.results().get("put-object-ms") + " ms");
    assertTrue(r.ok(), r.describe());
    String w2 = c.node("worker2").nodeId();
    // 256 MiB made by a task on worker 1 (GPUX), summed by a task on worker 2 (W2)
    assertEquals(r.result("task-object-expected") + "@" + w2, r.result("task-object-digest"), r.describe());
    // 512 MiB put by the driver, summed on worker 2, whose heap is 1 GiB
    assertEquals(r.result("put-object-expected") + "@" + w2, r.result("put-object-digest"), r.describe());
    assertTrue(c.node("worker2").isAlive(), "worker 2 died");
  }

  @Test
  @Order(6)
  void aFreedResultLeavesTheNodeThatMadeItAndAnExitedOwnersObjectsLeaveEveryNode() throws Exception {
    LocalCluster c = cluster();
    int before = c.status().objects();
    assertTrue(before >= 0, "no object count in status:\n" + c.status());
    int count = 3;
    Path flags = Files.createDirectories(c.tmpDir().resolve("free-flags"));
    ChildJvm driver = c.startDriver(List.of(), FreeDriver.class, "GPUX",
        Integer.toString(count), "8", flags.toString(), "W2");

    driver.awaitLine("^HELD$", Duration.ofSeconds(90));
    Status held = c.awaitStatus(st -> st.objects() >= before + count, Duration.ofSeconds(20));
    assertTrue(held.objects() >= before + count, "the held results are not in the stores:\n" + held);

    Files.createFile(flags.resolve("release"));
    driver.awaitLine("^FREED$", Duration.ofSeconds(60));
    Status freed = c.awaitStatus(st -> st.objects() <= before, Duration.ofSeconds(20));
    assertTrue(freed.objects() <= before, "results the driver freed are still stored (before: "
        + before + " objects):\n" + freed);

    Files.createFile(flags.resolve("again"));
    driver.awaitLine("^HELD_AGAIN$", Duration.ofSeconds(60));
    // each on worker 1, which made it, and on worker 2, which read it
    Status heldAgain = c.awaitStatus(st -> st.objects() >= before + 2 * count, Duration.ofSeconds(20));
    assertTrue(heldAgain.objects() >= before + 2 * count, heldAgain.toString());
    Files.createFile(flags.resolve("exit"));
    JvmResult r = driver.await(Duration.ofSeconds(60));
    assertTrue(r.ok(), r.describe());
    Status exited = c.awaitStatus(st -> st.objects() <= before, Duration.ofSeconds(20));
    assertTrue(exited.objects() <= before, "results of an exited driver are still stored (before: "
        + before + " objects):\n" + exited);
  }

  @Test
  @Order(6)
  void anObjectFreedByRayInternalFreeLeavesTheNodeThatMadeItThoughItsRefsRemain() throws Exception {
    LocalCluster c = cluster();
    int before = c.status().objects();
    int count = 3;
    Path flags = Files.createDirectories(c.tmpDir().resolve("explicit-free-flags"));
    ChildJvm driver = c.startDriver(List.of(), ExplicitFreeDriver.class, "GPUX",
        Integer.toString(count), "4", flags.toString());
    driver.awaitLine("^HELD$", Duration.ofSeconds(90));
    Status held = c.awaitStatus(st -> st.objects() >= before + count, Duration.ofSeconds(20));
    assertTrue(held.objects() >= before + count, "the held results are not stored:\n" + held);
    Files.createFile(flags.resolve("free"));
    driver.awaitLine("^FREED$", Duration.ofSeconds(60));
    Status freed = c.awaitStatus(st -> st.objects() <= before, Duration.ofSeconds(20));
    assertTrue(freed.objects() <= before, "freed results are still stored (before: " + before
        + " objects):\n" + freed);
    Files.createFile(flags.resolve("exit"));
    JvmResult r = driver.await(Duration.ofSeconds(60));
    assertTrue(r.ok(), r.describe());
    assertEquals(Integer.toString(count), r.result("unreadable"), r.describe());
  }

  @Test
  @Order(7)
  void anObjectPutForAnActorOutlivesTheDriverThatPutIt() {
    LocalCluster c = cluster();
    List<String> ns = List.of("-Djray.namespace=owned");
    JvmResult first = c.runDriver(DRIVER_TIMEOUT, ns, OwnedPutDriver.class, "put", "GPUX");
    assertTrue(first.ok(), first.describe());
    assertEquals("owned by the holder", first.result("owned-here"), first.describe());
    assertEquals("2", first.result("held"), first.describe());

    JvmResult second = c.runDriver(DRIVER_TIMEOUT, ns, OwnedPutDriver.class, "read");
    assertTrue(second.ok(), second.describe());
    assertEquals("true", second.result("holder-found"), second.describe());
    assertEquals("ok:owned by the holder", second.result("owned"),
        "Ray.put(value, owner): the holder's node owns it\n" + second.describe());
    assertTrue(second.result("driver-owned").startsWith("error:"),
        "a plain put dies with the driver that owned it\n" + second.describe());
  }

  @Test
  @Order(7)
  void detachedNamedActorOutlivesItsDriverAndNonDetachedOneDoesNot() {
    LocalCluster c = cluster();
    String value = "kept-" + UUID.randomUUID();
    List<String> ns = List.of("-Djray.namespace=n");
    JvmResult first = c.runDriver(DRIVER_TIMEOUT, ns, NamedActorDriver.class, "create", value);
    assertTrue(first.ok(), first.describe());
    assertEquals(value, first.result("keeper-set"), first.describe());
    assertEquals("n", first.result("namespace"), first.describe());

    JvmResult second = c.runDriver(DRIVER_TIMEOUT, ns, NamedActorDriver.class, "read");
    assertTrue(second.ok(), second.describe());
    assertEquals("true", second.result("keeper-found"), "driver 2 does not find the detached actor\n"
        + second.describe());
    assertEquals(value, second.result("keeper-value"), second.describe());
    assertEquals("false", second.result("temp-found"), "the non-detached actor of driver 1 outlived it\n"
        + second.describe());
    assertEquals("false", second.result("keeper-in-other-namespace"), second.describe());
    c.log("non-detached actor gone for driver 2 after " + second.result("temp-gone-after-ms") + " ms of polling");
  }

  @Test
  @Order(8)
  void twoJobsWithDifferentVersionsOfAClassEachSeeTheirOwn() throws Exception {
    LocalCluster c = cluster();
    List<Path> dirs = List.of(versionedClass(c, "one"), versionedClass(c, "two"));
    // both at once, on the same worker (GPUX): one class loader per job keeps them apart
    List<ChildJvm> drivers = dirs.stream()
        .map(d -> c.startDriver(List.of("-Djray.job.code-search-path=" + d), VersionDriver.class))
        .toList();
    for (int i = 0; i < 2; i++) {
      JvmResult r = drivers.get(i).await(DRIVER_TIMEOUT);
      assertTrue(r.ok(), r.describe());
      assertEquals(i == 0 ? "one" : "two", r.result("versions"), r.describe());
      assertEquals(c.node("worker1").nodeId(), r.result("nodes"), r.describe());
    }
  }

  /** Compiles {@code Versioned}, whose version() returns {@code version}, into a folder of its own. */
  private static Path versionedClass(LocalCluster c, String version) throws Exception {
    Path dir = Files.createDirectories(c.tmpDir().resolve("versioned-" + version));
    Path source = dir.resolve("Versioned.java");
    Files.writeString(source, "public class Versioned { public static String version() { return \""
        + version + "\"; } }");
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(),
        source.toString());
    assertEquals(0, rc, "javac failed for " + source);
    Files.delete(source);
    return dir;
  }

  @Test
  @Order(9)
  void aRefBorrowedByAnActorOnAnotherNodeOutlivesTheOwnersOwnRef() {
    JvmResult r = cluster().runDriver(DRIVER_TIMEOUT, List.of(), BorrowDriver.class);
    assertTrue(r.ok(), r.describe());
    assertEquals("kept alive by its borrower", r.result("read"), r.describe());
    assertEquals("owned by the worker that made it", r.result("returned"), r.describe());
  }

  @Test
  @Order(10)
  void statusAgainAfterTheWorkload() {
    // Every node is still there and nothing is left holding resources or pending.
    LocalCluster c = cluster();
    Status s = c.awaitStatus(st -> st.active().size() == 3 && st.noDemands() && st.used("CPU") == 0.0
        && st.used("GPUX") == 0.0, Duration.ofSeconds(20));
    assertEquals(3, s.active().size(), s.toString());
    assertEquals(0.0, s.used("CPU"), "CPU still held after all drivers exited:\n" + s);
    assertEquals(0.0, s.used("GPUX"), "GPUX still held after all drivers exited:\n" + s);
    assertTrue(s.noDemands(), s.toString());
    assertFalse(Arrays.stream(s.text().split("\\R")).anyMatch(l -> l.contains("left the cluster")), s.toString());
  }

  @Test
  @Order(11)
  void aVertxApplicationHostingANodeServesTasksOverHttp() throws Exception {
    // after the status checks: this node joins, and later leaves, the shared cluster
    LocalCluster c = cluster();
    int port = LocalCluster.freePort();
    ChildJvm app = c.startDriver(List.of(), EmbeddedServiceExample.class,
        c.headAddress(), Integer.toString(port));
    app.awaitLine("^serving http", Duration.ofSeconds(90));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/square?n=12")).build(), BodyHandlers.ofString());
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().startsWith("12 squared is 144"), ok.body());
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/square?n=x")).build(), BodyHandlers.ofString());
    assertEquals(400, bad.statusCode(), bad.body());
    app.process().destroy();
    assertTrue(app.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the app did not stop");
  }
}
