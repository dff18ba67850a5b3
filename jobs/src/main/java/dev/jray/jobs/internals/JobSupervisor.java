package dev.jray.jobs.internals;

import dev.jray.gcs.Gcs;
import dev.jray.gcs.time.Time;
import dev.jray.jobs.EntrypointHostVerticle;
import dev.jray.jobs.EntrypointPlacement;
import dev.jray.jobs.HistoryRetention;
import dev.jray.jobs.JobStatus;
import dev.jray.jobs.QueueQuota;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted jobs from the head: queues them (see {@link JobQueue}), starts each admitted
 * entrypoint on the node the {@link EntrypointPlacement} picks (the head, unless the job asks for
 * entrypoint resources) through that node's entrypoint host ({@link EntrypointHosts}), records
 * how it ends, and stops it on request (the host sends SIGTERM, then SIGKILL after the grace
 * period). A job whose node has no room waits PENDING, and is placed again each second. An
 * entrypoint lost with its node fails its job. When an entrypoint exits, its log is copied to the
 * head. Every job's details go to the {@link JobHistory} on each change, and come back from it
 * when a head starts (pruned by the retention).
 *
 * <p>Threading: thread-safe; every method holds this object's lock, which guards the job map, the
 * queue, the running set and every {@link JobEntry}; the history writes in order on its own
 * thread, and {@link #submit} waits for its job's record outside the lock. Methods block (files,
 * GCS, the history, a log copied from a node): call them off the event loop. Hosts' answers to
 * starts arrive on the common pool and take the lock too.
 */
public final class JobSupervisor implements AutoCloseable {
  /** How many of the log's last lines a FAILED job's message carries, as Ray's (NUM_LOG_LINES_ON_ERROR). */
  private static final int LOG_LINES_IN_MESSAGE = 10;
  /** At most this many characters of them, as Ray's (MAX_LOG_SIZE). */
  private static final int LOG_CHARS_IN_MESSAGE = 20_000;
  private static final long PRUNE_EVERY_MS = 60_000;
  /** How often jobs that found no node with room look again. */
  private static final long PLACE_AGAIN_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(JobSupervisor.class);

  private final Time time;
  private final Path runsDir;
  private final Duration stopGrace;
  private final EntrypointPlacement placement;
  private final EntrypointHosts hosts;
  /** Holds queued jobs' packages (see {@link Packages#hold}). */
  private final Gcs gcs;
  /** Guarded by this. In submission order. */
  private final Map<String, JobEntry> jobs = new LinkedHashMap<>();
  /** Guarded by this. */
  private final JobQueue queue;
  /** Guarded by this: jobs whose entrypoint runs or starts on a node (stopping ones too). */
  private final Set<JobEntry> running = new LinkedHashSet<>();
  /** Guarded by this. */
  private long nextSeq;
  /** Guarded by this. */
  private boolean closed;
  /** Guarded by this. Every job's details, on disk. */
  private final JobHistory history;
  /** Every job's state, in the GCS, for a supervisor that takes over on another node. */
  private final ReplicatedJobs replicas;
  private final HistoryRetention retention;
  /** Guarded by this. When the history is pruned next (Time milliseconds). */
  private long nextPruneMs;
  /** Guarded by this. When jobs that found no node with room are placed again, or -1. */
  private long placeAgainAtMs = -1;

  /**
   * @param jobsDir where each job's directory (its log, copied from its node) goes
   * @param placement picks the node of each entrypoint
   * @param hosts reaches the nodes' entrypoint hosts
   */
  public JobSupervisor(Time time, Gcs gcs, Path jobsDir, EntrypointPlacement placement,
      EntrypointHosts hosts, Map<String, QueueQuota> quotas, Duration stopGrace,
      HistoryRetention retention) {
    this.time = time;
    this.runsDir = jobsDir.resolve("runs");
    this.stopGrace = stopGrace;
    this.placement = placement;
    this.hosts = hosts;
    this.gcs = gcs;
    this.queue = new JobQueue(quotas);
    this.retention = retention;
    try {
      Files.createDirectories(runsDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the jobs directory " + runsDir + ": " + e.getMessage(), e);
    }
    this.history = new JobHistory(jobsDir);
    this.replicas = new ReplicatedJobs(gcs);
    synchronized (this) {
      RestoredJobs restored = RestoredJobs.load(gcs, history, runsDir, time.milliseconds());
      for (JobEntry e : restored.jobs()) {
        jobs.put(e.id(), e);
        nextSeq = Math.max(nextSeq, e.seq + 1);
        if (restored.takenOver() && !e.status.isTerminal()) {
          resume(e, restored.goneNodes());
        } else if (restored.failed().contains(e)) {
          Packages.release(gcs, e.submission); // the head left it unfinished: FAILED now
        }
        saved(e); // into this node's history, or into the GCS for the next one
      }
      for (String node : restored.goneNodes()) {
        nodeLeft(node);
      }
      prune();
      admitAndStart();
    }
  }

  /**
   * A job taken over unfinished: queued again if it had no node yet, or if its node's host never
   * got its start; else it runs on there (a node gone fails it, see the constructor).
   */
  private void resume(JobEntry e, Set<String> goneNodes) {
    if (e.node == null) {
      queue.add(e);
      return;
    }
    running.add(e);
    if (!e.started && !goneNodes.contains(e.node) && !hosts.knows(e.node, e.id())) {
      running.remove(e);
      e.node = null;
      e.message = "It is waiting to be admitted.";
      queue.add(e);
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
    replicas.delete(id);
    try {
      EntrypointProcesses.deleteTree(runsDir.resolve(id));
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete the files of job '" + id + "': " + e.getMessage(), e);
    }
  }

  /**
   * Writes the job's state to the history and the GCS, in order, off this lock; done once both
   * have it.
   */
  private CompletableFuture<Void> saved(JobEntry e) {
    return CompletableFuture.allOf(history.save(e.seq, e.details()), replicas.save(e.replica()));
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
      EntrypointProcesses.deleteTree(dir); // left by a job of the same id that history no longer holds
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the job's directory " + dir + ": " + e.getMessage(), e);
    }
    JobEntry e = new JobEntry(s, nextSeq++, dir.resolve("driver.log"), time.milliseconds());
    e.message = "It is waiting to be admitted.";
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

  /**
   * Up to {@code max} bytes of the job's log from {@code offset}: from the node its entrypoint
   * runs on while it runs, else from the head's copy. {@code running} is true until the job has
   * ended (read before the bytes, so a reader that sees false has seen every byte).
   *
   * @throws ApiError 404 for an unknown id
   * @throws IOException if the node running it cannot be asked
   */
  public EntrypointProcesses.LogChunk log(String id, long offset, int max) throws IOException {
    String node;
    Path file;
    synchronized (this) {
      JobEntry e = entry(id);
      if (!e.status.isTerminal() && !e.started) {
        return new EntrypointProcesses.LogChunk(new byte[0], 0, true); // not started yet
      }
      node = e.status.isTerminal() ? null : e.node;
      file = e.logFile;
    }
    if (node != null) {
      try {
        EntrypointProcesses.LogChunk chunk = hosts.log(node, id, offset, max);
        return new EntrypointProcesses.LogChunk(chunk.bytes(), chunk.size(), true);
      } catch (IOException e) {
        synchronized (this) {
          if (!entry(id).status.isTerminal()) {
            throw e;
          }
        } // it ended meanwhile, and its node forgot it: the head's copy has it all
      }
    }
    return JobLogs.read(file, offset, max);
  }

  /** The job's whole log, as {@code GET /api/jobs/{id}/logs} returns it. */
  public String logs(String id) throws IOException {
    return JobLogs.readAll((offset, max) -> log(id, offset, max));
  }

  /**
   * Stops a job: a PENDING one leaves the queue, STOPPED at once; one that runs (or is starting)
   * gets SIGTERM to its process tree from its node, SIGKILL after the grace period, and is
   * STOPPED when it exits.
   *
   * @return false if it had ended already (Ray's {@code stopped})
   */
  public synchronized boolean stop(String id) {
    JobEntry e = entry(id);
    if (e.status.isTerminal()) {
      return false;
    }
    if (e.stopRequested) {
      return true; // as Ray's: true while the job has not ended
    }
    if (e.node == null) {
      queue.remove(e);
      Packages.release(gcs, e.submission);
      e.finish(JobStatus.STOPPED, JobEntry.STOPPED, null, time.milliseconds());
      saved(e);
      admitAndStart();
      return true;
    }
    e.stopRequested = true;
    e.message = e.status == JobStatus.PENDING ? "It is being stopped." : "Job is stopping.";
    if (e.started) {
      hosts.stop(e.node, id, stopGrace); // else once its host answers the start
    }
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

  /** Prunes the history and places again the jobs that found no room; call periodically. */
  public synchronized void tick() {
    long now = time.milliseconds();
    if (now >= nextPruneMs && !closed) {
      prune();
    }
    if (placeAgainAtMs >= 0 && now >= placeAgainAtMs) {
      placeAgainAtMs = -1;
      admitAndStart();
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
      Map<String, Double> needs = EntrypointProcesses.resourcesOf(e.submission);
      String node = placement.nodeFor(needs);
      if (node == null) {
        waitForRoom(e, "no node has room for its entrypoint's " + needs + " now");
        continue;
      }
      e.node = node;
      e.message = "It is starting on node " + node + ".";
      running.add(e);
      hosts.start(node, e.submission).whenCompleteAsync((pid, failure) -> startAnswered(e, node,
          failure instanceof CompletionException c ? c.getCause() : failure));
    }
  }

  /** Back in its queue, first in line, placed again on the next tick. */
  private void waitForRoom(JobEntry e, String why) {
    queue.add(e);
    e.message = "It is waiting for a node: " + why + ".";
    if (placeAgainAtMs < 0) {
      placeAgainAtMs = time.milliseconds() + PLACE_AGAIN_MS;
    }
  }

  private synchronized void startAnswered(JobEntry e, String node, Throwable failure) {
    if (closed || e.status.isTerminal() || !node.equals(e.node)) {
      return; // its node left meanwhile: failed already
    }
    if (failure == null) {
      Packages.release(gcs, e.submission); // unpacked for the entrypoint
      e.started = true;
      if (e.status == JobStatus.PENDING) { // not exited already
        e.status = JobStatus.RUNNING;
        e.message = e.stopRequested ? "Job is stopping." : "Job is currently running.";
        saved(e);
      }
      if (e.stopRequested) {
        hosts.stop(node, e.id(), stopGrace);
      }
      return;
    }
    running.remove(e);
    e.node = null;
    int code = failure instanceof EntrypointHosts.Refused r ? r.code()
        : EntrypointHostVerticle.START_FAILED;
    if (code == EntrypointHostVerticle.NO_ROOM && !e.stopRequested) {
      waitForRoom(e, "node " + node + " had no room left: " + failure.getMessage());
      return;
    }
    Packages.release(gcs, e.submission); // never to be unpacked
    long now = time.milliseconds();
    if (e.stopRequested) {
      e.finish(JobStatus.STOPPED, JobEntry.STOPPED, null, now);
    } else if (code == EntrypointHostVerticle.RUNTIME_ENV_FAILED) {
      e.finish(JobStatus.FAILED, "runtime_env setup failed: " + failure.getMessage(),
          JobEntry.RUNTIME_ENV_ERROR, now);
    } else {
      e.finish(JobStatus.FAILED, "The entrypoint could not start: " + failure.getMessage(),
          JobEntry.START_ERROR, now);
    }
    saved(e);
    admitAndStart();
  }

  /**
   * The entrypoint of job {@code id} exited on {@code node}: its log is copied here, then the
   * job ends by its exit code (STOPPED if it was stopped). A repeated or stale report is ignored.
   */
  public void exited(String id, String node, int exitCode) {
    Path log;
    CompletableFuture<Void> recorded;
    synchronized (this) {
      JobEntry e = jobs.get(id);
      if (closed || e == null || e.status.isTerminal() || !node.equals(e.node) || e.copyingLog) {
        return; // a report again while the first one's copy runs, or a stale one
      }
      e.copyingLog = true;
      log = e.logFile;
    }
    String copyFailure = JobLogs.copy(hosts, node, id, log);
    synchronized (this) {
      JobEntry e = jobs.get(id);
      if (closed || e == null || e.status.isTerminal() || !node.equals(e.node)) {
        return; // the history keeps it unfinished if closed: the next head reads it back FAILED
      }
      running.remove(e);
      if (!e.started) {
        Packages.release(gcs, e.submission); // exited before its start's answer came
      }
      long now = time.milliseconds();
      if (e.stopRequested) {
        e.finish(JobStatus.STOPPED, JobEntry.STOPPED, null, now); // no exit code: Ray sets none
      } else if (exitCode == 0) {
        e.exitCode = exitCode;
        e.finish(JobStatus.SUCCEEDED, "Job finished successfully.", null, now);
      } else {
        e.exitCode = exitCode;
        e.finish(JobStatus.FAILED, JobEntry.failedMessage(exitCode, copyFailure != null ? copyFailure
            : JobLogs.lastLines(e.logFile, LOG_LINES_IN_MESSAGE, LOG_CHARS_IN_MESSAGE)),
            JobEntry.COMMAND_ERROR, now);
      }
      recorded = saved(e);
      if (copyFailure == null) {
        hosts.forget(node, id);
      }
      admitAndStart();
    }
    // the host is answered once the end is recorded: a supervisor that takes over sees it
    recorded.orTimeout(JobHistory.WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /**
   * Node {@code node} left the cluster: the jobs whose entrypoints ran or started there fail (or
   * are STOPPED, if a stop was asked for).
   */
  public synchronized void nodeLeft(String node) {
    long now = time.milliseconds();
    for (JobEntry e : List.copyOf(running)) {
      if (node.equals(e.node)) {
        running.remove(e);
        if (!e.started) {
          Packages.release(gcs, e.submission);
        }
        if (e.stopRequested) {
          e.finish(JobStatus.STOPPED, JobEntry.STOPPED + " Node " + node + ", which ran its"
              + " entrypoint, left the cluster.", null, now);
        } else {
          e.finish(JobStatus.FAILED, "Job's entrypoint was lost: node " + node + ", which ran it,"
              + " left the cluster.", JobEntry.SUPERVISOR_DIED_ERROR, now);
        }
        saved(e);
      }
    }
    admitAndStart();
  }

  /** Stops accepting jobs and stops every running entrypoint, on whichever node it runs. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (JobEntry e : running) {
      if (e.started) {
        hosts.stop(e.node, e.id(), stopGrace);
      }
    }
    history.close();
    replicas.close();
  }
}
