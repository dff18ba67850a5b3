package dev.jray.bench;

import dev.jray.api.Ray;
import dev.jray.bench.remote.BenchFunctions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code CrossNodeDriver [--quick] [--client] --pin RESOURCE ROW...}: the driver of the cross-node rows, in
 * a JVM of its own started by {@link CrossNode} with {@code -Djray.address} set. Joins the cluster
 * (timed: the driver-join row), runs each row with its work pinned to the worker node by
 * {@code RESOURCE}, and prints one {@code BENCH-ROW {json}} line per row. A row over TLS runs its
 * plain twin's workload: TLS is the cluster's and this JVM's setting (JRAY_USE_TLS), not the
 * driver's code. With {@code --client} it is a Ray Client ({@code jray.address=jray://...}) and
 * times its session's start instead of a join.
 */
public final class CrossNodeDriver {
  static final String ROW_PREFIX = "BENCH-ROW ";
  /** The resource only the autoscaler's launched node type has. */
  static final String LAUNCHED = "bench_launched";

  private CrossNodeDriver() {}

  public static void main(String[] args) {
    boolean quick = false;
    boolean client = false;
    String pin = null;
    List<RowSpec> rows = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--client" -> client = true;
        case "--pin" -> pin = args[++i];
        default -> rows.add(RowSpec.named(args[i]));
      }
    }
    if (pin == null) {
      throw new IllegalArgumentException("give --pin RESOURCE: the resource only the worker node has");
    }
    Measure measure = new Measure(quick ? Settings.quickRun() : Settings.full());
    Figure join = Measure.seconds(Ray::init);
    print(client ? RowSpec.CLIENT_INIT : RowSpec.DRIVER_JOIN, join);
    int starts = quick ? 2 : 5;
    try (JrayWorkloads jray = new JrayWorkloads(measure, pin);
        JrayWorkloads inProcess = new JrayWorkloads(measure, pin).inWorkerProcesses()) {
      for (RowSpec row : rows) {
        if (row == RowSpec.DRIVER_JOIN || row == RowSpec.CLIENT_INIT) {
          continue;
        }
        if (!join.ok()) {
          print(row, Figure.failed("the driver could not join: " + join.error()));
          continue;
        }
        print(row, switch (row.workload().name()) {
          case "cross-node tasks sync" -> jray.tasksSync();
          case "cross-node tasks async" -> jray.tasksAsync();
          case "cross-node 1:1 actor calls sync" -> jray.actorSync();
          case "cross-node 1:1 actor calls async" -> jray.actorAsync();
          case "cross-node 256 MB object transfer" -> jray.transfer();
          case "cross-node tasks sync, in a worker process" -> inProcess.tasksSync();
          case "cross-node tasks async, in a worker process" -> inProcess.tasksAsync();
          case "cross-node 1:1 actor calls sync, in a worker process" -> inProcess.actorSync();
          case "cross-node 1:1 actor calls async, in a worker process" -> inProcess.actorAsync();
          case "cross-node worker process start: a new env's first task" ->
              jray.workerProcessStart(starts, false);
          case "cross-node worker process start: its next task, process started" ->
              jray.workerProcessStart(starts, true);
          case "autoscaler: demand to a launched node's first task" -> Measure.seconds(() ->
              Ray.task(BenchFunctions::smallValue).setResource(LAUNCHED, 1.0).remote().get());
          default -> Figure.failed("not a cross-node row");
        });
      }
    } finally {
      if (join.ok()) {
        Ray.shutdown();
      }
    }
    System.exit(0);
  }

  private static void print(RowSpec row, Figure figure) {
    System.out.println(ROW_PREFIX + new JsonObject().put("name", row.name()).put("figure", figure.toJson()).encode());
    System.out.flush();
  }
}
