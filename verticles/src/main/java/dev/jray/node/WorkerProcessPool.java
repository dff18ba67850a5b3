package dev.jray.node;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.time.Time;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.ProcessEnv;
import dev.jray.runtime.RunInWorker;
import dev.jray.runtime.WorkerProcesses;
import dev.jray.runtime.WorkerReady;
import dev.jray.runtime.WorkerRetire;
import dev.jray.runtime.WorkerTaskDone;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's worker processes, as Ray's worker pool: JVMs it starts ({@link WorkerProcessLaunch})
 * to run tasks and actors whose runtime env needs a JVM of its own (JVM options, jars, environment
 * variables), or all work when the node isolates every job ({@value #ALL_WORK_PROPERTY}). A
 * process serves one job and one env; it runs one task at a time and is reused by the next task
 * of the same job and env; an actor keeps its process for its life, and the process exits when
 * the actor dies. Processes are prestarted (isolating nodes only), ended after an idle timeout
 * unless they hold objects (each is asked: {@link WorkerRetire}), and at most {@value
 * #MAX_PROPERTY} run; work beyond waits, and an idle process of another env is asked to end.
 *
 * <p>Threading: thread-safe; the pool's state is guarded by this; futures complete outside the
 * lock; process exits are seen on the JDK's process reaper thread; the idle check runs on a
 * Vert.x timer. Never blocks, but for {@link #close}.
 */
public final class WorkerProcessPool implements WorkerProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessPool.class);
  /** {@code true}: every task and actor of this node runs in a worker process. */
  public static final String ALL_WORK_PROPERTY = "jray.worker-processes";
  /** The most worker processes a node runs at once; default: twice its CPUs, at least 4. */
  public static final String MAX_PROPERTY = "jray.worker-processes.max";
  /** How long a process may idle before it ends; default 60 s. */
  public static final String IDLE_TIMEOUT_PROPERTY = "jray.worker-processes.idle-timeout-ms";
  /** How many idle processes an isolating node keeps started for the next job; default 1. */
  public static final String PRESTART_PROPERTY = "jray.worker-processes.prestart";

  /** A process's state; all guarded by the pool. */
  private static final class Worker {
    final WorkerProcessLaunch.Started started;
    final ProcessEnv env;
    final String gpus;
    /** The job it serves; null for a prestarted one not used yet. */
    JobId job;
    /** The node id it runs as, given at its launch. */
    final UniqueId nodeId;
    /** It said it is ready: it attached and its node started. */
    boolean ready;
    /** What it runs, or waits to run once ready; null when idle. */
    Request running;
    /** It hosts an actor: it ends with it. */
    boolean hostsActor;
    long idleSinceMs;
    /** Asked whether it may end: not given work meanwhile. */
    boolean asked;
    /** Ended by the pool: its exit fails nothing. */
    boolean retired;

    /** When it was started, by the pool's clock. */
    final long startedAtMs;

    Worker(WorkerProcessLaunch.Started started, ProcessEnv env, String gpus, JobId job,
        long startedAtMs) {
      this.startedAtMs = startedAtMs;
      this.started = started;
      this.env = env;
      this.gpus = gpus;
      this.job = job;
      this.nodeId = started.nodeId();
    }

    boolean idle() {
      return ready && running == null && !hostsActor && !retired && !asked;
    }

    boolean serves(Request r) {
      return env.equals(r.env) && gpus.equals(r.gpus)
          && (job == null || job.equals(r.spec.jobId()));
    }
  }

  private record Request(TaskSpec spec, List<Long> gpuIds, ProcessEnv env, String gpus,
      CompletableFuture<String> done) {}

  private final Vertx vertx;
  private final CoreWorker worker;
  /** Whether a job ended (its processes end then, as Ray's); may block on the GCS. */
  private final Predicate<JobId> jobEnded;
  /** Told the node id of each process that ended, retired or not; must not block. */
  private final Consumer<UniqueId> processEnded;
  private final WorkerProcessLaunch launch;
  private final Time time;
  private final boolean allWork;
  private final int max;
  private final long idleTimeoutMs;
  private final int prestart;
  private final long idleTimer;
  /** Guarded by this. */
  private final List<Worker> workers = new ArrayList<>();
  /** Work waiting for a process when {@link #max} run; guarded by this. */
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  /** Guarded by this. */
  private boolean closed;
  /**
   * Completions of work's futures, run after the lock is let go (what they run takes the
   * scheduler's lock and may come back here); guarded by this.
   */
  private final List<Runnable> deferred = new ArrayList<>();

  /**
   * @param cpus the node's CPUs, for the default maximum
   * @param jobEnded whether a job ended; called off the event loop, may block
   * @param processEnded told the node id of each process that ended (the cluster must hear of
   *     it: the process was no member); called on the JDK's process reaper thread, never blocks
   */
  public WorkerProcessPool(Vertx vertx, CoreWorker worker, WorkerProcessLaunch launch, Time time,
      double cpus, Predicate<JobId> jobEnded, Consumer<UniqueId> processEnded) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.processEnded = Objects.requireNonNull(processEnded, "processEnded");
    this.jobEnded = Objects.requireNonNull(jobEnded, "jobEnded");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.launch = Objects.requireNonNull(launch, "launch");
    this.time = Objects.requireNonNull(time, "time");
    this.allWork = Boolean.getBoolean(ALL_WORK_PROPERTY);
    this.max = Math.max(1, Integer.getInteger(MAX_PROPERTY, Math.max(4, (int) (2 * cpus))));
    this.idleTimeoutMs = Long.getLong(IDLE_TIMEOUT_PROPERTY, 60_000L);
    this.prestart = allWork ? Math.min(max, Integer.getInteger(PRESTART_PROPERTY, 1)) : 0;
    this.idleTimer = vertx.setPeriodic(1_000,
        t -> vertx.executeBlocking(() -> {
          endIdle();
          return null;
        }, false));
    synchronized (this) {
      keepPrestarted();
    }
  }

  @Override
  public boolean wants(TaskSpec spec) {
    return allWork || spec.runtimeEnv() != null && !ProcessEnv.of(spec.runtimeEnv()).isDefault();
  }

  @Override
  public CompletableFuture<String> run(TaskSpec spec, List<Long> gpuIds) {
    Request r = new Request(spec, gpuIds, ProcessEnv.of(spec.runtimeEnv()),
        gpuIds.stream().map(String::valueOf).collect(Collectors.joining(",")),
        new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        deferred.add(() -> r.done.complete("the node is stopping"));
      } else {
        assign(r);
      }
    }
    runDeferred();
    return r.done;
  }

  /** Hands {@code r} to an idle process that serves it, else a new one, else queues it. */
  private void assign(Request r) {
    for (Worker w : workers) {
      if (w.idle() && w.serves(r)) {
        hand(w, r);
        return;
      }
    }
    if (workers.size() >= max) {
      LOG.debug("{} waits for a worker process: {} run, at most {}", r.spec, workers.size(), max);
      waiting.add(r);
      askOneIdleToEnd(); // room comes when it exits
      return;
    }
    Worker w;
    try {
      w = start(r.env, r.gpus, r.spec.jobId());
    } catch (IOException | RuntimeException e) {
      deferred.add(() -> r.done.complete("its worker process could not be started: "
          + e.getMessage()));
      return;
    }
    w.running = r; // sent once it is ready
  }

  private void hand(Worker w, Request r) {
    w.job = r.spec.jobId();
    w.running = r;
    worker.send(w.nodeId, new RunInWorker(r.spec, r.gpuIds));
  }

  private Worker start(ProcessEnv env, String gpus, JobId job) throws IOException {
    WorkerProcessLaunch.Started started = launch.start(env, gpus);
    Worker w = new Worker(started, env, gpus, job, time.milliseconds());
    workers.add(w);
    started.process().onExit().thenRun(() -> onExit(w));
    return w;
  }

  @Override
  public void onMessage(UniqueId from, Object message) {
    synchronized (this) {
      if (message instanceof WorkerReady ready) {
        onReady(from, ready);
      } else if (message instanceof WorkerTaskDone done) {
        onDone(from, done);
      }
    }
    runDeferred();
  }

  /** Runs the completions deferred while the lock was held; not under the lock. */
  private void runDeferred() {
    List<Runnable> todo;
    synchronized (this) {
      if (deferred.isEmpty()) {
        return;
      }
      todo = new ArrayList<>(deferred);
      deferred.clear();
    }
    todo.forEach(Runnable::run);
  }

  private void onReady(UniqueId from, WorkerReady ready) {
    for (Worker w : workers) {
      if (w.nodeId.equals(from) && !w.ready) {
        w.ready = true;
        w.idleSinceMs = time.milliseconds();
        LOG.debug("worker process {} ready {} ms after its start", ready.pid(),
            w.idleSinceMs - w.startedAtMs);
        if (w.running != null) {
          hand(w, w.running);
        } else {
          serveWaiting();
        }
        return;
      }
    }
    LOG.debug("a worker process of pid {} that this node did not start (or that ended) said it"
        + " is ready", ready.pid());
  }

  private void onDone(UniqueId from, WorkerTaskDone done) {
    for (Worker w : workers) {
      if (from.equals(w.nodeId) && w.running != null
          && w.running.spec.taskId().equals(done.taskId())) {
        if (w.running.spec.kind() == TaskKind.ACTOR_CREATION) {
          w.hostsActor = true; // its request completes when the process exits
          return;
        }
        Request r = w.running;
        w.running = null;
        w.idleSinceMs = time.milliseconds();
        deferred.add(() -> r.done.complete(null));
        serveWaiting();
        return;
      }
    }
  }

  /** A process ended: what it ran fails (or, an actor's, ends), and waiting work gets room. */
  private void onExit(Worker w) {
    Request failed = null;
    String why = null;
    synchronized (this) {
      workers.remove(w);
      if (w.running != null && !w.retired) {
        failed = w.running;
        Process p = w.started.process();
        why = w.hostsActor ? null : "worker process " + p.pid() + " exited with code "
            + p.exitValue() + " (its log: " + w.started.log() + ")";
      }
      if (!closed) {
        serveWaiting();
        keepPrestarted();
      }
    }
    runDeferred();
    processEnded.accept(w.nodeId);
    if (failed != null) {
      if (why != null) {
        LOG.info("{} while running {}", why, failed.spec);
      }
      failed.done.complete(why);
    }
  }

  private void serveWaiting() {
    int n = waiting.size();
    for (int i = 0; i < n && !waiting.isEmpty(); i++) {
      Request r = waiting.poll();
      assign(r);
      if (waiting.contains(r)) {
        return; // no room yet
      }
    }
  }

  /** Asks the longest idle process to end, to make room for waiting work. */
  private void askOneIdleToEnd() {
    workers.stream().filter(Worker::idle).min((a, b) -> Long.compare(a.idleSinceMs, b.idleSinceMs))
        .ifPresent(this::askToEnd);
  }

  /**
   * Asks an idle process whether it holds objects; ends it if not, else keeps it (idle afresh).
   * Not given work meanwhile.
   */
  private void askToEnd(Worker w) {
    w.asked = true;
    worker.request(w.nodeId, new WorkerRetire()).whenComplete((mayEnd, e) -> {
      synchronized (this) {
        w.asked = false;
        LOG.debug("worker process {} asked to end: {}", w.started.process().pid(),
            e != null ? e.toString() : mayEnd);
        if (e == null && Boolean.TRUE.equals(mayEnd)) {
          retire(w);
        } else {
          w.idleSinceMs = time.milliseconds();
          serveWaiting();
        }
      }
      runDeferred();
    });
  }

  private void retire(Worker w) {
    w.retired = true;
    workers.remove(w);
    w.started.process().destroy(); // its exit is seen by onExit, which tells the cluster
  }

  /**
   * Every second: ends idle processes of jobs that ended, and asks those idle past the timeout
   * to end (they stay if they hold objects), but for the prestarted ones kept.
   */
  private void endIdle() {
    List<JobId> jobs;
    synchronized (this) {
      jobs = workers.stream().filter(Worker::idle).map(w -> w.job).filter(Objects::nonNull)
          .distinct().toList();
    }
    List<JobId> ended = jobs.stream().filter(jobEnded).toList(); // GCS reads, outside the lock
    synchronized (this) {
      long now = time.milliseconds();
      int unboundKept = 0;
      for (Iterator<Worker> it = new ArrayList<>(workers).iterator(); it.hasNext(); ) {
        Worker w = it.next();
        if (w.idle() && w.job != null && ended.contains(w.job)) {
          retire(w);
          continue;
        }
        if (!w.idle() || now - w.idleSinceMs < idleTimeoutMs) {
          continue;
        }
        if (w.job == null && unboundKept < prestart) {
          unboundKept++;
          continue;
        }
        askToEnd(w);
      }
      keepPrestarted();
    }
    runDeferred();
  }

  /** An isolating node keeps {@link #prestart} processes that serve no job yet. */
  private void keepPrestarted() {
    long unbound = workers.stream().filter(w -> w.job == null && !w.retired).count();
    for (long i = unbound; i < prestart && workers.size() < max; i++) {
      try {
        start(ProcessEnv.DEFAULT, "", null);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not prestart a worker process", e);
        return;
      }
    }
  }

  /** How many worker processes run now (started, idle or busy). */
  public synchronized int size() {
    return workers.size();
  }

  /** Ends every process and fails what waits; blocks until they exit, a few seconds at most. */
  @Override
  public void close() {
    List<Worker> all;
    List<Request> queued;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(workers);
      queued = new ArrayList<>(waiting);
      waiting.clear();
    }
    vertx.cancelTimer(idleTimer);
    queued.forEach(r -> r.done.complete("the node stopped"));
    for (Worker w : all) {
      w.started.process().destroy();
    }
    for (Worker w : all) {
      try {
        if (!w.started.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          w.started.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        w.started.process().destroyForcibly();
      }
    }
  }

  /** Where the logs of this node's worker processes go. */
  public Path logDirectory() {
    return launch.logDirectory();
  }
}
