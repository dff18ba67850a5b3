package dev.jray.bench;

import dev.jray.api.Ray;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar jray-bench.jar [--quick] [--filter REGEX] [--json FILE]} (also {@code jray
 * microbenchmark}): Ray's microbenchmark rows on jray, each beside a peer (Hazelcast, Pekko) and
 * the machine's floor measured in the same run, and Ray's published figure.
 *
 * <p>The order keeps each measurement alone on the machine: jray's local rows on an embedded
 * node; then (the node stopped) the peers in this JVM and the floors; then the peers across two
 * JVMs; then a jray head and worker with a driver, each in a JVM of its own; then (those stopped)
 * the same over mutual TLS for the rows named ", TLS".
 */
@Command(name = "jray-bench", mixinStandardHelpOptions = true, version = "jray-bench 0.1.0",
    description = "jray's microbenchmark suite: Ray's rows, with a peer and the machine's floor measured in the same run.")
public final class Microbenchmark implements Callable<Integer> {
  /** Where the suite finds jray.jar when {@code --jray-jar} is not given. */
  static final String JRAY_JAR_PROPERTY = "jray.bench.jray-jar";

  @Option(names = "--quick", description = "A smoke run: one short warm-up, three tiny rounds, small objects.")
  boolean quick;

  @Option(names = "--filter", paramLabel = "REGEX", description = "Only the rows whose name contains a match.")
  String filter;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to FILE as JSON.")
  Path json;

  @Option(names = "--jray-jar", paramLabel = "JAR",
      description = "jray.jar for the cross-node rows (default: -D" + JRAY_JAR_PROPERTY
          + ", else next to this jar, else ../../cli/target/jray.jar from it).")
  Path jrayJar;

  @Option(names = "--apart", description = "Each group of rows in a bench JVM of its own, so no row inherits what the rows before it left.")
  boolean apart;

  @Option(names = "--bench-jar", paramLabel = "JAR",
      description = "With --apart: the bench jar whose rows are measured (another build's, to compare two builds; default: this one).")
  Path benchJar;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    keepHeapCommitted();
    System.exit(new CommandLine(new Microbenchmark()).execute(args));
  }

  /**
   * As {@code -XX:MaxHeapFreeRatio=100}: a full GC (jray's store asks for one to get memory of
   * dropped refs back) must not shrink the heap, or every later row that allocates a large array
   * (jray's and the peers' alike) pays a page fault per page of fresh heap.
   */
  private static void keepHeapCommitted() {
    try {
      java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class).setVMOption("MaxHeapFreeRatio", "100");
    } catch (RuntimeException e) {
      System.err.println("bench: cannot keep the heap committed (" + e + "); large rows may be slower");
    }
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = quick ? Settings.quickRun() : Settings.full();
    Map<RowSpec, Row> rows = selectRows();
    long start = System.nanoTime();
    if (benchJar != null && !apart) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--bench-jar needs --apart");
    }
    if (apart) {
      Path children = benchJar != null ? benchJar : benchCode();
      if (!Files.isRegularFile(children)) {
        throw new CommandLine.ParameterException(spec.commandLine(), (benchJar != null
            ? "--bench-jar: no such file: " : "--apart needs a bench jar (give --bench-jar): ")
            + children);
      }
      Path work = Files.createTempDirectory("jray-bench-apart-");
      RowsApart.run(rows, children, findJrayJar(), quick, work);
      boolean failed = rows.values().stream().anyMatch(r -> !r.jray.ok());
      if (failed) {
        System.err.println("bench: a row failed; the bench JVMs' logs are in " + work);
      } else {
        deleteRecursively(work);
      }
      return report(rows, settings, start);
    }
    Measure measure = new Measure(settings);
    Path work = Files.createTempDirectory("jray-bench-");
    boolean keepWork = false;
    try (ChildProcesses children = new ChildProcesses(work); Floors floors = new Floors(measure)) {
      CrossNode cross = new CrossNode(settings, work, children, benchCode());
      boolean crossRows = rows.keySet().stream().anyMatch(RowSpec::crossNode);
      boolean plainCross = rows.keySet().stream().anyMatch(r -> r.crossNode() && !r.overTls());
      Path jar = crossRows ? findJrayJar() : null;
      boolean hzRows = rows.keySet().stream().anyMatch(Microbenchmark::hasHazelcastPeer);
      CompletableFuture<CrossNode.Nodes> nodes = null;
      CompletableFuture<HazelcastPeer> hzStarting = null;
      if (settings.quick()) {
        // a smoke run: the nodes and the peer start while the local rows run; a full run keeps the machine quiet
        nodes = jar == null || !plainCross ? null : cross.startNodes(jar, false);
        hzStarting = hzRows ? CompletableFuture.supplyAsync(() -> startHazelcast(measure)) : null;
      }
      runLocalJray(measure, rows);
      HazelcastPeer hz = null;
      PekkoPeer pekko = null;
      try {
        Figure hzFailure = null;
        if (hzRows) {
          progress("starting the Hazelcast peer member");
          try {
            hz = hzStarting != null ? hzStarting.join() : startHazelcast(measure);
          } catch (RuntimeException e) {
            hzFailure = Figure.failed(e);
          }
        }
        if (rows.keySet().stream().anyMatch(Microbenchmark::hasPekkoPeer)) {
          pekko = new PekkoPeer(measure);
        }
        runLocalPeers(rows, hz, hzFailure, pekko);
        runLocalFloors(rows, floors);
        runCrossPeers(rows, cross, hz, hzFailure, floors);
        if (hz != null) {
          hz.close(); // the second JVM's member stays, alone and idle, until the end
          hz = null;
        }
        if (crossRows) {
          if (jar == null) {
            failCross(rows, "jray.jar not found at " + jrayJarCandidates()
                + ": give --jray-jar or build it (mvn -B -q package -DskipTests)");
          } else {
            runJrayCross(rows, cross, children, jar, nodes, plainCross);
          }
          keepWork = rows.values().stream().anyMatch(r -> r.spec.crossNode() && !r.jray.ok());
        }
      } finally {
        if (hz != null) {
          hz.close();
        }
        if (pekko != null) {
          pekko.close();
        }
      }
    } finally {
      if (keepWork) {
        System.err.println("bench: a cross-node row failed; the logs are in " + work);
      } else {
        deleteRecursively(work);
      }
    }
    return report(rows, settings, start);
  }

  private Integer report(Map<RowSpec, Row> rows, Settings settings, long start) throws IOException {
    List<Row> report = new ArrayList<>(rows.values());
    double seconds = (System.nanoTime() - start) / 1e9;
    String title = String.format("jray microbenchmark, %s run%s in %.0f s: %s", quick ? "quick" : "full",
        apart ? " (rows apart)" : "", seconds,
        Report.machineLine());
    Report.print(System.out, report, title);
    if (json != null) {
      Report.writeJson(json, Report.json(report, settings, Report.machine().put("wallSeconds", seconds)));
      System.out.println("JSON: " + json.toAbsolutePath());
    }
    return 0;
  }

  private Map<RowSpec, Row> selectRows() {
    Pattern pattern;
    try {
      pattern = filter == null ? null : Pattern.compile(filter);
    } catch (PatternSyntaxException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--filter: not a regular expression: "
          + e.getDescription());
    }
    Map<RowSpec, Row> rows = new LinkedHashMap<>();
    for (RowSpec r : RowSpec.ALL) {
      if (pattern == null || pattern.matcher(r.name()).find()) {
        rows.put(r, new Row(r));
      }
    }
    if (rows.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--filter " + filter + " matches no row");
    }
    return rows;
  }

  // ---------------------------------------------------------------- jray on an embedded node

  private static void runLocalJray(Measure measure, Map<RowSpec, Row> rows) {
    if (rows.keySet().stream().noneMatch(r -> !r.crossNode() && r != RowSpec.EMBEDDED_INIT)
        && !rows.containsKey(RowSpec.EMBEDDED_INIT)) {
      return;
    }
    progress("embedded Ray.init()");
    Figure init = Measure.seconds(Ray::init);
    set(rows, RowSpec.EMBEDDED_INIT, () -> init);
    if (!init.ok()) {
      rows.values().stream().filter(r -> !r.spec.crossNode()).forEach(r -> r.jray = init);
      return;
    }
    try (JrayWorkloads j = new JrayWorkloads(measure, null)) {
      set(rows, RowSpec.GET_CALLS, j::getCalls);
      set(rows, RowSpec.PUT_CALLS, j::putCalls);
      set(rows, RowSpec.MULTI_PUT_CALLS, j::multiPutCalls);
      set(rows, RowSpec.PUT_GIGABYTES, j::putGigabytes);
      set(rows, RowSpec.GET_GIGABYTES, j::getGigabytes);
      set(rows, RowSpec.TASKS_SYNC, j::tasksSync);
      set(rows, RowSpec.TASKS_ASYNC, j::tasksAsync);
      set(rows, RowSpec.TASKS_GET_BATCH, j::tasksAndGetBatch);
      set(rows, RowSpec.MULTI_TASKS_ASYNC, j::multiTasksAsync);
      set(rows, RowSpec.WAIT_1K, j::wait1kRefs);
      set(rows, RowSpec.ACTOR_SYNC, j::actorSync);
      set(rows, RowSpec.ACTOR_ASYNC, j::actorAsync);
      set(rows, RowSpec.ACTOR_CONCURRENT, j::actorConcurrent);
      set(rows, RowSpec.ONE_TO_N, j::oneToN);
      set(rows, RowSpec.N_TO_N, () -> j.nToN(false));
      set(rows, RowSpec.N_TO_N_ARG, () -> j.nToN(true));
      set(rows, RowSpec.PLACEMENT_GROUPS, j::placementGroups);
      // last: they leave the most behind (threads, heap) for whatever runs after them
      if (rows.keySet().stream().anyMatch(r -> r.name().startsWith("many actors"))) {
        progress("many actors: jray");
        ScaleWorkloads.ManyActors m = ScaleWorkloads.manyActors(measure.settings().manyActors());
        set(rows, RowSpec.MANY_ACTORS, m::rate);
        set(rows, RowSpec.MANY_ACTORS_THREADS, m::threads);
        set(rows, RowSpec.MANY_ACTORS_RSS, m::rssMegabytes);
      }
      if (rows.keySet().stream().anyMatch(r -> r.name().startsWith("many queued tasks"))) {
        progress("many queued tasks: jray");
        ScaleWorkloads.ManyTasks m = ScaleWorkloads.manyTasks(measure.settings().manyTasks());
        set(rows, RowSpec.MANY_TASKS_SUBMIT, m::submitRate);
        set(rows, RowSpec.MANY_TASKS_DRAIN, m::drainRate);
        set(rows, RowSpec.MANY_TASKS_HEAP, m::heapMegabytes);
      }
    } finally {
      Ray.shutdown();
    }
  }

  // ---------------------------------------------------------------- peers and floors

  private static HazelcastPeer startHazelcast(Measure measure) {
    try {
      return HazelcastPeer.start(measure);
    } catch (Exception e) {
      throw new IllegalStateException("the Hazelcast peer did not start: " + e.getMessage(), e);
    }
  }

  private static boolean hasHazelcastPeer(RowSpec r) {
    return List.of(RowSpec.GET_CALLS, RowSpec.PUT_CALLS, RowSpec.MULTI_PUT_CALLS, RowSpec.PUT_GIGABYTES,
        RowSpec.GET_GIGABYTES, RowSpec.TASKS_SYNC, RowSpec.TASKS_ASYNC, RowSpec.TASKS_GET_BATCH,
        RowSpec.MULTI_TASKS_ASYNC, RowSpec.ACTOR_SYNC, RowSpec.ACTOR_ASYNC, RowSpec.ONE_TO_N, RowSpec.N_TO_N,
        RowSpec.CROSS_TASKS_SYNC, RowSpec.CROSS_TASKS_ASYNC, RowSpec.CROSS_ACTOR_SYNC,
        RowSpec.CROSS_ACTOR_ASYNC, RowSpec.CROSS_TRANSFER).contains(r);
  }

  private static boolean hasPekkoPeer(RowSpec r) {
    return List.of(RowSpec.ACTOR_SYNC, RowSpec.ACTOR_ASYNC, RowSpec.ONE_TO_N, RowSpec.N_TO_N, RowSpec.N_TO_N_ARG)
        .contains(r);
  }

  private static void runLocalPeers(Map<RowSpec, Row> rows, HazelcastPeer hz, Figure hzFailure, PekkoPeer pekko) {
    hz(rows, RowSpec.GET_CALLS, HazelcastPeer.IMAP, hz, hzFailure, () -> hz.getCalls());
    hz(rows, RowSpec.PUT_CALLS, HazelcastPeer.IMAP, hz, hzFailure, () -> hz.setCalls());
    hz(rows, RowSpec.MULTI_PUT_CALLS, HazelcastPeer.IMAP, hz, hzFailure, () -> hz.multiSetCalls());
    hz(rows, RowSpec.PUT_GIGABYTES, HazelcastPeer.IMAP, hz, hzFailure, () -> hz.putGigabytes());
    hz(rows, RowSpec.GET_GIGABYTES, HazelcastPeer.IMAP, hz, hzFailure, () -> hz.getGigabytes());
    hz(rows, RowSpec.TASKS_SYNC, HazelcastPeer.EXECUTOR, hz, hzFailure, () -> hz.tasksSync());
    if (rows.containsKey(RowSpec.TASKS_ASYNC) || rows.containsKey(RowSpec.TASKS_GET_BATCH)) {
      Figure async = hz == null ? hzFailure : measured("hz executor async", () -> hz.tasksAsync());
      peer(rows, RowSpec.TASKS_ASYNC, HazelcastPeer.EXECUTOR, () -> async);
      peer(rows, RowSpec.TASKS_GET_BATCH, HazelcastPeer.EXECUTOR_BATCH, () -> async.scaled(1.0 / Settings.BATCH));
    }
    hz(rows, RowSpec.MULTI_TASKS_ASYNC, HazelcastPeer.EXECUTOR, hz, hzFailure, () -> hz.multiTasksAsync());
    hz(rows, RowSpec.ACTOR_SYNC, HazelcastPeer.ENTRY_PROCESSOR, hz, hzFailure, () -> hz.actorSync());
    hz(rows, RowSpec.ACTOR_ASYNC, HazelcastPeer.ENTRY_PROCESSOR, hz, hzFailure, () -> hz.actorAsync());
    hz(rows, RowSpec.ONE_TO_N, HazelcastPeer.ENTRY_PROCESSOR, hz, hzFailure, () -> hz.oneToN());
    hz(rows, RowSpec.N_TO_N, HazelcastPeer.ENTRY_PROCESSOR, hz, hzFailure, () -> hz.nToN());
    if (pekko != null) {
      peer(rows, RowSpec.ACTOR_SYNC, PekkoPeer.ASK, pekko::actorSync);
      peer(rows, RowSpec.ACTOR_ASYNC, PekkoPeer.ASK, pekko::actorAsync);
      peer(rows, RowSpec.ONE_TO_N, PekkoPeer.ASK, pekko::oneToN);
      peer(rows, RowSpec.N_TO_N, PekkoPeer.ASK, () -> pekko.nToN(null));
      peer(rows, RowSpec.N_TO_N_ARG, PekkoPeer.ASK, () -> pekko.nToN(0));
    }
  }

  private static void runLocalFloors(Map<RowSpec, Row> rows, Floors floors) {
    floor(rows, RowSpec.PUT_GIGABYTES, floors, Floors.HEAP_TO_DIRECT);
    floor(rows, RowSpec.PUT_GIGABYTES, floors, Floors.ARRAYCOPY);
    floor(rows, RowSpec.GET_GIGABYTES, floors, Floors.DIRECT_TO_HEAP);
    floor(rows, RowSpec.GET_GIGABYTES, floors, Floors.ARRAYCOPY);
    floor(rows, RowSpec.TASKS_SYNC, floors, Floors.HANDOFF);
    floor(rows, RowSpec.TASKS_SYNC, floors, Floors.EVENT_BUS_SYNC);
    floor(rows, RowSpec.TASKS_ASYNC, floors, Floors.EXECUTOR_ASYNC);
    floor(rows, RowSpec.TASKS_GET_BATCH, floors, Floors.EXECUTOR_BATCH);
    floor(rows, RowSpec.MULTI_TASKS_ASYNC, floors, Floors.EXECUTOR_ASYNC);
    floor(rows, RowSpec.ACTOR_SYNC, floors, Floors.HANDOFF);
    floor(rows, RowSpec.ACTOR_SYNC, floors, Floors.EVENT_BUS_SYNC);
    for (RowSpec r : List.of(RowSpec.ACTOR_ASYNC, RowSpec.ACTOR_CONCURRENT, RowSpec.ONE_TO_N, RowSpec.N_TO_N,
        RowSpec.N_TO_N_ARG)) {
      floor(rows, r, floors, Floors.EVENT_BUS_ASYNC);
    }
  }

  private void runCrossPeers(Map<RowSpec, Row> rows, CrossNode cross, HazelcastPeer hz, Figure hzFailure,
      Floors floors) {
    List<RowSpec> withPeers = List.of(RowSpec.CROSS_TASKS_SYNC, RowSpec.CROSS_TASKS_ASYNC,
        RowSpec.CROSS_ACTOR_SYNC, RowSpec.CROSS_ACTOR_ASYNC, RowSpec.CROSS_TRANSFER);
    if (withPeers.stream().noneMatch(rows::containsKey)) {
      return;
    }
    Figure failure = hzFailure;
    if (hz != null) {
      progress("starting the peer member in a second JVM");
      try {
        cross.startPeerMember(hz);
      } catch (Exception e) {
        failure = Figure.failed(e);
      }
    }
    Figure f = failure;
    HazelcastPeer peer = failure == null ? hz : null;
    hz(rows, RowSpec.CROSS_TASKS_SYNC, HazelcastPeer.REMOTE_EXECUTOR, peer, f, () -> peer.remoteTasksSync());
    hz(rows, RowSpec.CROSS_TASKS_ASYNC, HazelcastPeer.REMOTE_EXECUTOR, peer, f, () -> peer.remoteTasksAsync());
    hz(rows, RowSpec.CROSS_ACTOR_SYNC, HazelcastPeer.REMOTE_ENTRY_PROCESSOR, peer, f, () -> peer.remoteActorSync());
    hz(rows, RowSpec.CROSS_ACTOR_ASYNC, HazelcastPeer.REMOTE_ENTRY_PROCESSOR, peer, f, () -> peer.remoteActorAsync());
    hz(rows, RowSpec.CROSS_TRANSFER, HazelcastPeer.REMOTE_IMAP, peer, f, () -> peer.remoteTransfer());
    if (rows.containsKey(RowSpec.CROSS_TASKS_SYNC) || rows.containsKey(RowSpec.CROSS_ACTOR_SYNC)) {
      Figure sync = peer == null ? f : measured("vertx bus 2 JVMs", () -> peer.remoteEventBusSync());
      floorFigure(rows, RowSpec.CROSS_TASKS_SYNC, HazelcastPeer.REMOTE_EVENT_BUS_SYNC, sync);
      floorFigure(rows, RowSpec.CROSS_ACTOR_SYNC, HazelcastPeer.REMOTE_EVENT_BUS_SYNC, sync);
    }
    if (rows.containsKey(RowSpec.CROSS_TASKS_ASYNC) || rows.containsKey(RowSpec.CROSS_ACTOR_ASYNC)) {
      Figure async = peer == null ? f : measured("vertx bus 1k 2 JVMs", () -> peer.remoteEventBusAsync());
      floorFigure(rows, RowSpec.CROSS_TASKS_ASYNC, HazelcastPeer.REMOTE_EVENT_BUS_ASYNC, async);
      floorFigure(rows, RowSpec.CROSS_ACTOR_ASYNC, HazelcastPeer.REMOTE_EVENT_BUS_ASYNC, async);
    }
    floor(rows, RowSpec.CROSS_TRANSFER, floors, Floors.LOOPBACK_TCP);
  }

  /**
   * The plain cross-node rows on a head and a worker with a driver, and the reconstruction and
   * jobs rows beside them; then, every node stopped, the rows over TLS on a new head and worker with a
   * driver, all with JRAY_USE_TLS=1, each beside its plain twin.
   *
   * @param started the plain nodes if they are starting already, else null
   */
  private static void runJrayCross(Map<RowSpec, Row> rows, CrossNode cross,
      ChildProcesses children, Path jar, CompletableFuture<CrossNode.Nodes> started,
      boolean plain) {
    if (plain) {
      progress("cross-node jray rows: a head and a worker from " + jar + ", and a driver");
      CompletableFuture<CrossNode.Nodes> nodes = started != null ? started
          : cross.startNodes(jar, false);
      cross.runJrayRows(nodes, rows, false);
      if (rows.containsKey(RowSpec.RECONSTRUCTION_REBUILT)
          || rows.containsKey(RowSpec.RECONSTRUCTION_COMPUTED)) {
        progress("reconstruction rows: a node holding a 100 MB result killed, another rebuilds it");
        cross.runReconstructionRows(nodes, rows);
      }
      if (rows.containsKey(RowSpec.JOB_SUBMIT_TO_JOINED)
          || rows.containsKey(RowSpec.JOB_ACCEPTED_FIRST)
          || rows.containsKey(RowSpec.JOB_ACCEPTED_QUEUED)) {
        progress("jobs rows: submissions to the head's Jobs API");
        cross.runJobRows(nodes, rows);
      }
      new ServiceRows(cross).run(nodes, rows, Microbenchmark::progress);
    }
    if (rows.keySet().stream().anyMatch(RowSpec::overTls)) {
      children.stopAll();
      progress("cross-node jray rows over TLS: a head, a worker and a driver with JRAY_USE_TLS=1");
      cross.runJrayRows(cross.startNodes(jar, true), rows, true);
      for (Row row : rows.values()) {
        Row plainTwin = row.spec.overTls() ? rows.get(row.spec.plainTwin()) : null;
        if (plainTwin != null) {
          row.peers.add(new Row.Comparison(Row.PLAIN_TWIN, plainTwin.jray));
        }
      }
    }
  }

  private static void failCross(Map<RowSpec, Row> rows, String why) {
    rows.values().stream().filter(r -> r.spec.crossNode()).forEach(r -> r.jray = Figure.failed(why));
  }

  // ---------------------------------------------------------------- helpers

  private static void set(Map<RowSpec, Row> rows, RowSpec spec, Supplier<Figure> figure) {
    Row row = rows.get(spec);
    if (row != null) {
      row.jray = measured(spec.name() + ": jray", figure);
    }
  }

  private static void peer(Map<RowSpec, Row> rows, RowSpec spec, String name, Supplier<Figure> figure) {
    Row row = rows.get(spec);
    if (row != null) {
      row.peers.add(new Row.Comparison(name, measured(spec.name() + ": " + name, figure)));
    }
  }

  /** A Hazelcast peer figure, or the reason the Hazelcast peer could not start. */
  private static void hz(Map<RowSpec, Row> rows, RowSpec spec, String name, HazelcastPeer hz, Figure failure,
      Supplier<Figure> figure) {
    peer(rows, spec, name, hz == null ? () -> failure : figure);
  }

  private static void floor(Map<RowSpec, Row> rows, RowSpec spec, Floors floors, String name) {
    Row row = rows.get(spec);
    if (row != null) {
      progress(spec.name() + ": floor " + name);
      row.floors.add(floors.get(name));
    }
  }

  private static void floorFigure(Map<RowSpec, Row> rows, RowSpec spec, String name, Figure figure) {
    Row row = rows.get(spec);
    if (row != null) {
      row.floors.add(new Row.Comparison(name, figure));
    }
  }

  private static Figure measured(String what, Supplier<Figure> figure) {
    progress(what);
    try {
      return figure.get();
    } catch (RuntimeException e) {
      return Figure.failed(e);
    }
  }

  private static final long STARTED = System.nanoTime();

  private static void progress(String what) {
    System.err.printf("bench: %6.1f s  %s%n", (System.nanoTime() - STARTED) / 1e9, what);
  }

  /** This suite's jar, or its class folder when it runs from one. */
  static Path benchCode() {
    try {
      return Path.of(Microbenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path findJrayJar() {
    return jrayJarCandidates().stream().filter(Files::isRegularFile).findFirst().orElse(null);
  }

  /** Where jray.jar may be, in order of preference. */
  private List<Path> jrayJarCandidates() {
    List<Path> candidates = new ArrayList<>();
    if (jrayJar != null) {
      candidates.add(jrayJar);
    } else if (System.getProperty(JRAY_JAR_PROPERTY) != null) {
      candidates.add(Path.of(System.getProperty(JRAY_JAR_PROPERTY)));
    } else {
      Path dir = benchCode().toAbsolutePath().getParent();
      candidates.add(dir.resolve("jray.jar"));
      candidates.add(dir.resolve("../../cli/target/jray.jar"));
      candidates.add(Path.of("cli/target/jray.jar"));
    }
    return candidates.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: cannot delete " + dir + ": " + e);
    }
  }
}
