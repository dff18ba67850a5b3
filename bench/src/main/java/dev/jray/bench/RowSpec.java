package dev.jray.bench;

import java.util.List;

/**
 * A row of the suite: Ray's name for it (the same definition as {@code ray microbenchmark}),
 * its unit, and Ray's published figure, if Ray publishes one.
 *
 * @param ray Ray 2.48's release-run figure (m5.16xlarge, 64 vCPU), or null
 * @param crossNode true for the rows that run on a head and a worker in two JVMs
 * @param plainTwin for a row over TLS, the same row without it (its comparison); else null
 */
record RowSpec(String name, Unit unit, Double ray, boolean crossNode, RowSpec plainTwin) {
  /** What a figure counts. */
  enum Unit {
    PER_SECOND("/s", true),
    GB_PER_SECOND("GB/s", true),
    SECONDS("s", false),
    COUNT("count", false),
    MEGABYTES("MB", false);

    private final String label;
    private final boolean higherIsBetter;

    Unit(String label, boolean higherIsBetter) {
      this.label = label;
      this.higherIsBetter = higherIsBetter;
    }

    String label() {
      return label;
    }

    boolean higherIsBetter() {
      return higherIsBetter;
    }
  }

  static final RowSpec GET_CALLS = local("single client get calls", Unit.PER_SECOND, 10_620.0);
  static final RowSpec PUT_CALLS = local("single client put calls", Unit.PER_SECOND, 5_173.0);
  static final RowSpec MULTI_PUT_CALLS = local("multi client put calls", Unit.PER_SECOND, 16_526.0);
  static final RowSpec PUT_GIGABYTES = local("single client put gigabytes", Unit.GB_PER_SECOND, 19.9);
  static final RowSpec GET_GIGABYTES = local("single client get gigabytes", Unit.GB_PER_SECOND, null);
  static final RowSpec TASKS_SYNC = local("single client tasks sync", Unit.PER_SECOND, 981.0);
  static final RowSpec TASKS_ASYNC = local("single client tasks async", Unit.PER_SECOND, 8_041.0);
  static final RowSpec TASKS_GET_BATCH = local("single client tasks and get batch", Unit.PER_SECOND, 5.80);
  static final RowSpec MULTI_TASKS_ASYNC = local("multi client tasks async", Unit.PER_SECOND, 21_230.0);
  static final RowSpec WAIT_1K = local("single client wait 1k refs", Unit.PER_SECOND, 5.08);
  static final RowSpec ACTOR_SYNC = local("1:1 actor calls sync", Unit.PER_SECOND, 2_012.0);
  static final RowSpec ACTOR_ASYNC = local("1:1 actor calls async", Unit.PER_SECOND, 8_664.0);
  static final RowSpec ACTOR_CONCURRENT = local("1:1 actor calls concurrent", Unit.PER_SECOND, 5_775.0);
  static final RowSpec ONE_TO_N = local("1:n actor calls async", Unit.PER_SECOND, 8_038.0);
  static final RowSpec N_TO_N = local("n:n actor calls async", Unit.PER_SECOND, 27_376.0);
  static final RowSpec N_TO_N_ARG = local("n:n actor calls with arg async", Unit.PER_SECOND, 2_759.0);
  static final RowSpec PLACEMENT_GROUPS = local("placement group create/removal", Unit.PER_SECOND, 765.0);
  static final RowSpec EMBEDDED_INIT = local("embedded Ray.init()", Unit.SECONDS, null);
  static final RowSpec MANY_ACTORS = local("many actors: created and called once", Unit.PER_SECOND, null);
  static final RowSpec MANY_ACTORS_THREADS = local("many actors: node threads after", Unit.COUNT, null);
  static final RowSpec MANY_ACTORS_RSS = local("many actors: node RSS after", Unit.MEGABYTES, null);
  static final RowSpec MANY_TASKS_SUBMIT = local("many queued tasks: submitted", Unit.PER_SECOND, null);
  static final RowSpec MANY_TASKS_DRAIN = local("many queued tasks: drained", Unit.PER_SECOND, null);
  static final RowSpec MANY_TASKS_HEAP = local("many queued tasks: live heap when all queued", Unit.MEGABYTES, null);

  static final RowSpec CROSS_TASKS_SYNC = cross("cross-node tasks sync", Unit.PER_SECOND);
  static final RowSpec CROSS_TASKS_ASYNC = cross("cross-node tasks async", Unit.PER_SECOND);
  static final RowSpec CROSS_ACTOR_SYNC = cross("cross-node 1:1 actor calls sync", Unit.PER_SECOND);
  static final RowSpec CROSS_ACTOR_ASYNC = cross("cross-node 1:1 actor calls async", Unit.PER_SECOND);
  static final RowSpec CROSS_TRANSFER = cross("cross-node 256 MB object transfer", Unit.GB_PER_SECOND);
  static final RowSpec CROSS_TASKS_SYNC_TLS = overTls(CROSS_TASKS_SYNC);
  static final RowSpec CROSS_TASKS_ASYNC_TLS = overTls(CROSS_TASKS_ASYNC);
  static final RowSpec CROSS_TRANSFER_TLS = overTls(CROSS_TRANSFER);
  static final RowSpec PROCESS_TASKS_SYNC =
      cross("cross-node tasks sync, in a worker process", Unit.PER_SECOND);
  static final RowSpec PROCESS_TASKS_ASYNC =
      cross("cross-node tasks async, in a worker process", Unit.PER_SECOND);
  static final RowSpec PROCESS_ACTOR_SYNC =
      cross("cross-node 1:1 actor calls sync, in a worker process", Unit.PER_SECOND);
  static final RowSpec PROCESS_ACTOR_ASYNC =
      cross("cross-node 1:1 actor calls async, in a worker process", Unit.PER_SECOND);
  static final RowSpec PROCESS_START_COLD =
      cross("cross-node worker process start: a new env's first task", Unit.SECONDS);
  static final RowSpec PROCESS_START_STARTED =
      cross("cross-node worker process start: its next task, process started", Unit.SECONDS);
  static final RowSpec CLIENT_INIT = cross("Ray Client Ray.init(): session started", Unit.SECONDS);
  static final RowSpec CLIENT_TASKS_SYNC = client("Ray Client tasks sync", CROSS_TASKS_SYNC);
  static final RowSpec CLIENT_TASKS_ASYNC = client("Ray Client tasks async", CROSS_TASKS_ASYNC);
  static final RowSpec CLIENT_ACTOR_ASYNC =
      client("Ray Client 1:1 actor calls async", CROSS_ACTOR_ASYNC);
  static final RowSpec LAUNCHED_FIRST_TASK =
      cross("autoscaler: demand to a launched node's first task", Unit.SECONDS);
  static final RowSpec NODE_JOIN = cross("worker node start and join", Unit.SECONDS);
  static final RowSpec DRIVER_JOIN = cross("driver Ray.init() joining the cluster", Unit.SECONDS);
  static final RowSpec DRIVER_JOIN_ARCHIVED =
      cross("driver Ray.init() joining, started as driver-env says", Unit.SECONDS);
  static final RowSpec RECONSTRUCTION_COMPUTED =
      cross("reconstruction: 100 MB task result computed and read", Unit.SECONDS);
  static final RowSpec RECONSTRUCTION_REBUILT =
      cross("reconstruction: 100 MB task result rebuilt and read after its node died", Unit.SECONDS);
  static final RowSpec JOB_SUBMIT_TO_JOINED =
      cross("jobs: submit to RUNNING, driver JVM started and joined", Unit.SECONDS);
  static final RowSpec JOB_ACCEPTED_FIRST =
      cross("jobs: the first 1,000 submissions to a new head", Unit.PER_SECOND);
  static final RowSpec JOB_ACCEPTED_QUEUED =
      cross("jobs: submissions accepted with 1,000 queued", Unit.PER_SECOND);

  /** Every row, in the order of the report. */
  static final List<RowSpec> ALL = List.of(
      GET_CALLS, PUT_CALLS, MULTI_PUT_CALLS, PUT_GIGABYTES, GET_GIGABYTES,
      TASKS_SYNC, TASKS_ASYNC, TASKS_GET_BATCH, MULTI_TASKS_ASYNC, WAIT_1K,
      ACTOR_SYNC, ACTOR_ASYNC, ACTOR_CONCURRENT, ONE_TO_N, N_TO_N, N_TO_N_ARG,
      PLACEMENT_GROUPS, EMBEDDED_INIT,
      MANY_ACTORS, MANY_ACTORS_THREADS, MANY_ACTORS_RSS, MANY_TASKS_SUBMIT, MANY_TASKS_DRAIN, MANY_TASKS_HEAP,
      CROSS_TASKS_SYNC, CROSS_TASKS_SYNC_TLS, CROSS_TASKS_ASYNC, CROSS_TASKS_ASYNC_TLS,
      CROSS_ACTOR_SYNC, CROSS_ACTOR_ASYNC, CROSS_TRANSFER, CROSS_TRANSFER_TLS,
      PROCESS_TASKS_SYNC, PROCESS_TASKS_ASYNC, PROCESS_ACTOR_SYNC, PROCESS_ACTOR_ASYNC,
      PROCESS_START_COLD, PROCESS_START_STARTED,
      CLIENT_INIT, CLIENT_TASKS_SYNC, CLIENT_TASKS_ASYNC, CLIENT_ACTOR_ASYNC, LAUNCHED_FIRST_TASK,
      NODE_JOIN, DRIVER_JOIN, DRIVER_JOIN_ARCHIVED, RECONSTRUCTION_COMPUTED, RECONSTRUCTION_REBUILT,
      JOB_SUBMIT_TO_JOINED, JOB_ACCEPTED_FIRST, JOB_ACCEPTED_QUEUED);

  private static RowSpec local(String name, Unit unit, Double ray) {
    return new RowSpec(name, unit, ray, false, null);
  }

  private static RowSpec cross(String name, Unit unit) {
    return new RowSpec(name, unit, null, true, null);
  }

  /**
   * A member driver's row run by a Ray Client ({@code jray://}) on the same nodes: {@link
   * #workload()} is the member's row, which is also its comparison.
   */
  private static RowSpec client(String name, RowSpec member) {
    return new RowSpec(name, member.unit, null, true, member);
  }

  /** Whether a Ray Client runs it. */
  boolean byClient() {
    return name.startsWith("Ray Client");
  }

  /** The same workload on nodes and a driver that talk mutual TLS (JRAY_USE_TLS=1). */
  private static RowSpec overTls(RowSpec plain) {
    return new RowSpec(plain.name + ", TLS", plain.unit, null, true, plain);
  }

  /** Whether it runs on the TLS cluster. */
  boolean overTls() {
    return plainTwin != null && !byClient();
  }

  /** The workload it runs: its own, or its plain twin's. */
  RowSpec workload() {
    return plainTwin != null ? plainTwin : this;
  }

  static RowSpec named(String name) {
    return ALL.stream().filter(r -> r.name.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no row named '" + name + "'"));
  }
}
