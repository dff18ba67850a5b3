package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobStatus;
import dev.jray.jobs.QueueQuota;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs submitted jobs on the head: queues them (see {@link JobQueue}), starts each admitted
 * entrypoint as a child process ({@link EntrypointLauncher}), records how it ends, and stops it
 * on request: SIGTERM to its process tree, SIGKILL when the grace period has passed on the
 * injected clock (checked by {@link #tick}, which the owner calls periodically). Every job's
 * details go to the {@link JobHistory} on each change, and come back from it when a head starts
 * (pruned by the retention).
 *
 * <p>Threading: thread-safe; every method holds this object's lock, which guards the job map, the
 * queue, the running set and every {@link JobEntry}; the history writes in order on its own
 * thread, and {@link #submit} waits for its job's record outside the lock. Methods block (process
 * start, files, GCS, the history): call them off the event loop. Process exits arrive on the
 * common pool and take the lock too.
 */
public final class JobSupervisor implements AutoCloseable {
  /** How many characters of the log's end a FAILED job's message carries, as Ray's does. */
  private static final int LOG_TAIL_IN_MESSAGE = 2_000;
  private static final long PRUNE_EVERY_MS = 60_000;
  private static final Logger LOG = Logger.getLogger(JobSupervisor.class.getName());

  private final Time time;
  private final Path runsDir;
  private final Duration stopGrace;
  private final EntrypointLauncher launcher;
  /** Holds queued jobs' packages (see {@link Packages#hold}). */
  private final Gcs gcs;
  /** Guarded by this. In submission order. */
  private final Map<String, JobEntry> jobs = new LinkedHashMap<>();
  /** Guarded by this. */
  private final JobQueue queue;
  /** Guarded by this: jobs whose process runs (stopping ones too). */
  private final Set<JobEntry> running = new LinkedHashSet<>();
  /** Guarded by this. */
  private long nextSeq;
  /** Guarded by this. */
  private boolean closed;
  /** Guarded by this. Every job's details, on disk. */
  private final JobHistory history;
  private final HistoryRetention retention;
  /** Guarded by this. When the history is pruned next (Time milliseconds). */
  private long nextPruneMs;

  /**
   * @param jobsDir where each job's directory (log, working_dir, jars) goes
   * @param clusterAddress the cluster's {@code host:port}, for the drivers' JRAY_ADDRESS
   * @param tokenFile the cluster token's file, for the drivers' JRAY_CLUSTER_TOKEN_FILE
   * @param driverEnv more variables for every driver (the TLS settings, the head's jar), read as
   *     each entrypoint starts
   */
  public JobSupervisor(Time time, Gcs gcs, Path jobsDir, String clusterAddress, Path tokenFile,
      Supplier<Map<String, String>> driverEnv, Map<String, QueueQuota> quotas, Duration stopGrace,
      HistoryRetention retention) {
    this.time = time;
    this.runsDir = jobsDir.resolve("runs");
    this.stopGrace = stopGrace;
    this.launcher = new EntrypointLauncher(gcs, clusterAddress, tokenFile, driverEnv);
    this.gcs = gcs;
    this.queue = new JobQueue(quotas);
    this.retention = retention;
    try {
      Files.createDirectories(runsDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the jobs directory " + runsDir + ": " + e.getMessage(), e);
    }
    this.history = new JobHistory(jobsDir);
    synchronized (this) {
      restore();
      prune();
    }
  }

  /** The jobs of the history, as the last head left them. */
  private void restore() {
    for (JobHistory.Stored stored : history.load()) {
      String id = stored.details().getString("submission_id");
      JobEntry e;
      try {
        e = JobEntry.restore(stored.seq(), stored.details(), runsDir.resolve(id).resolve("driver.log"),
            time.milliseconds());
      } catch (RuntimeException bad) {
        LOG.warning("job history: skipping job " + id + ", its record is unreadable: " + bad.getMessage());
        continue;
      }
      jobs.put(id, e);
      if (!JobStatus.valueOf(stored.details().getString("status")).isTerminal()) {
        Packages.release(gcs, e.submission); // a job the head left unfinished is FAILED now
      }
      history.save(e.seq, e.details());
      nextSeq = Math.max(nextSeq, e.seq + 1);
    }
  }

  /** Forgets the ended jobs beyond the retention, with their files. */
  private void prune() {
    long now = time.milliseconds();
    nextPruneMs = now + PRUNE_EVERY_MS;
    for (String id : history.expired(now - retention.maxAge().toMillis(), retention.maxJobs())) {
      forget(id);
    }
  }

  private void forget(String id) {
    jobs.remove(id);
    history.delete(id);
    try {
      deleteTree(runsDir.resolve(id));
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete the files of job '" + id + "': " + e.getMessage(), e);
    }
  }

  /** Writes the job's details to the history, in order, off this lock; done once on disk. */
  private CompletableFuture<Void> saved(JobEntry e) {
    return history.save(e.seq, e.details());
  }

  /**
   * Accepts a job: PENDING, then RUNNING at once if its queue has room.
   *
   * @return Ray's submit response: {@code job_id} (deprecated, the same) and {@code submission_id}
   * @throws ApiError 409 if the submission id is taken, 400 if the job can never fit its queue
   */
  public JsonObject submit(JobSubmission s) {
    CompletableFuture<Void> recorded;
    synchronized (this) {
      recorded = accept(s);
    }
    try { // answered once on disk; the lock is free for the next submissions meanwhile
      recorded.get(JobHistory.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("job '" + s.submissionId() + "' was accepted but could not be"
          + " recorded: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("job '" + s.submissionId() + "' was accepted but its record"
          + " was not written within " + JobHistory.WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording job '" + s.submissionId() + "'", e);
    }
    return new JsonObject().put("job_id", s.submissionId()).put("submission_id", s.submissionId());
  }

  private CompletableFuture<Void> accept(JobSubmission s) {
    if (closed) {
      throw ApiError.badRequest("the head is shutting down");
    }
    if (jobs.containsKey(s.submissionId())) {
      throw ApiError.conflict("submission_id", "a job with submission_id '" + s.submissionId()
          + "' exists already");
    }
    QueueQuota quota = queue.quota(s.queue());
    if (s.numCpus() > quota.cpus()) {
      throw ApiError.badField("entrypoint_num_cpus", "field 'entrypoint_num_cpus': the job needs "
          + s.numCpus() + " CPUs, more than queue '" + s.queue() + "' may ever run (" + quota.cpus() + ")");
    }
    Path dir = runsDir.resolve(s.submissionId());
    try {
      deleteTree(dir); // left by a job of the same id that history no longer holds
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the job's directory " + dir + ": " + e.getMessage(), e);
    }
    JobEntry e = new JobEntry(s, nextSeq++, dir.resolve("driver.log"), time.milliseconds());
    e.message = "Job is waiting to be admitted.";
    Packages.hold(gcs, s);
    jobs.put(s.submissionId(), e);
    queue.add(e);
    CompletableFuture<Void> recorded = saved(e);
    admitAndStart();
    return recorded;
  }

  /** Every job's details, in submission order. */
  public synchronized List<JsonObject> list() {
    return jobs.values().stream().map(JobEntry::details).toList();
  }

  /** @throws ApiError 404 if no job has this submission id */
  public synchronized JsonObject details(String id) {
    return entry(id).details();
  }

  public synchronized boolean isTerminal(String id) {
    return entry(id).status.isTerminal();
  }

  /** The job's log file (it may not exist yet). @throws ApiError 404 for an unknown id */
  public synchronized Path logFile(String id) {
    return entry(id).logFile;
  }

  /**
   * Stops a job: a PENDING one leaves the queue, STOPPED at once; a RUNNING one gets SIGTERM
   * (its whole process tree), SIGKILL after the grace period, and is STOPPED when it exits.
   *
   * @return false if it had ended already (Ray's {@code stopped})
   */
  public synchronized boolean stop(String id) {
    JobEntry e = entry(id);
    if (e.status.isTerminal() || e.killAtMs >= 0) {
      return false;
    }
    if (e.status == JobStatus.PENDING) {
      queue.remove(e);
      Packages.release(gcs, e.submission);
      e.finish(JobStatus.STOPPED, "Job was stopped before it started.", null, time.milliseconds());
      saved(e);
      admitAndStart();
      return true;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    e.process.descendants().forEach(tree::add);
    tree.add(e.process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    e.stopping = tree;
    e.killAtMs = time.milliseconds() + stopGrace.toMillis();
    e.message = "Job is stopping.";
    return true;
  }

  /**
   * Forgets an ended job and deletes its files.
   *
   * @throws ApiError 400 if it has not ended (stop it first), 404 if unknown
   */
  public synchronized boolean delete(String id) {
    JobEntry e = entry(id);
    if (!e.status.isTerminal()) {
      throw ApiError.badRequest("job '" + id + "' is " + e.status + ": only a job in a terminal"
          + " state (STOPPED, SUCCEEDED, FAILED) can be deleted; stop it first");
    }
    forget(id);
    return true;
  }

  /** SIGKILLs the stopping jobs whose grace period is over; call periodically. */
  public synchronized void tick() {
    long now = time.milliseconds();
    if (now >= nextPruneMs && !closed) {
      prune();
    }
    for (JobEntry e : running) {
      if (e.killAtMs >= 0 && now >= e.killAtMs) {
        e.stopping.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  private JobEntry entry(String id) {
    JobEntry e = jobs.get(id);
    if (e == null) {
      throw ApiError.notFound("no job with submission_id '" + id + "'");
    }
    return e;
  }

  private void admitAndStart() {
    if (closed) {
      return;
    }
    for (JobEntry e : queue.admit(running)) {
      try {
        Process p = launcher.start(e.submission, e.logFile.getParent(), e.logFile);
        e.process = p;
        e.status = JobStatus.RUNNING;
        e.message = "Job is currently running.";
        running.add(e);
        saved(e);
        // async: an entrypoint that ended already must not re-enter this loop
        p.onExit().thenAcceptAsync(this::exitedProcess);
      } catch (EntrypointLauncher.SetupException ex) {
        e.finish(JobStatus.FAILED, ex.getMessage(), JobEntry.RUNTIME_ENV_ERROR, time.milliseconds());
        saved(e);
      } catch (IOException | RuntimeException ex) {
        e.finish(JobStatus.FAILED, "The entrypoint could not start: " + ex.getMessage(),
            JobEntry.START_ERROR, time.milliseconds());
        saved(e);
      } finally {
        Packages.release(gcs, e.submission); // unpacked for the entrypoint, or never to be
      }
    }
  }

  private synchronized void exitedProcess(Process p) {
    if (closed) {
      return; // the history keeps it RUNNING: the next head reads it back as FAILED
    }
    JobEntry e = running.stream().filter(r -> r.process == p).findFirst().orElse(null);
    if (e == null) {
      return;
    }
    running.remove(e);
    int code = p.exitValue();
    e.exitCode = code;
    long now = time.milliseconds();
    if (e.killAtMs >= 0) {
      e.finish(JobStatus.STOPPED, "Job was intentionally stopped.", null, now);
    } else if (code == 0) {
      e.finish(JobStatus.SUCCEEDED, "Job finished successfully.", null, now);
    } else {
      e.finish(JobStatus.FAILED, "Job entrypoint command failed with exit code " + code
          + ", last available logs (truncated to " + LOG_TAIL_IN_MESSAGE + " chars):\n"
          + logTail(e.logFile, LOG_TAIL_IN_MESSAGE), JobEntry.COMMAND_ERROR, now);
    }
    e.stopping.forEach(ProcessHandle::destroyForcibly); // a stopped job's stragglers
    e.stopping = List.of();
    e.killAtMs = -1;
    saved(e);
    admitAndStart();
  }

  /** The last {@code chars} characters of a log, or what can be read. */
  static String logTail(Path log, int chars) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - chars);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Stops accepting jobs and SIGTERMs every running entrypoint's process tree. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (JobEntry e : running) {
      e.process.descendants().forEach(ProcessHandle::destroy);
      e.process.destroy();
    }
    history.close();
  }
}
