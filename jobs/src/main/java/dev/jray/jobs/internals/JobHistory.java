package dev.jray.jobs.internals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's job history on its disk: each job's details (Ray's JSON), so that jobs are listed
 * and their logs served after the whole cluster restarts. Kept in H2, embedded: a pure-Java
 * single jar (no native library, unlike SQLite), its MVStore file commits atomically and survives
 * a crash, and SQL makes pruning by age and count one statement each; Derby is heavier and
 * retired, and hand-written JSON files would need their own atomic rewrite and index.
 *
 * <p>Threading: thread-safe. The connection is owned by one writer thread: every read and write
 * runs there in the order asked, so that writes leave the caller's lock at once ({@link #save}
 * returns a future the caller may wait on outside its lock) and land in the order they were
 * made. A write that fails is logged, and fails its future.
 */
final class JobHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobHistory.class);
  /** The longest a caller waits for the history's disk before it gives up. */
  static final Duration WAIT = Duration.ofSeconds(30);
  /** Owned by the writer thread once open. */
  private final Connection db;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "jray-job-history");
    t.setDaemon(true);
    return t;
  });
  /** Owned by the writer thread. */
  private PreparedStatement merge;

  /** Opens (or creates) {@code dir/history.mv.db}. */
  JobHistory(Path dir) {
    try {
      db = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("history")
          + ";DB_CLOSE_ON_EXIT=FALSE", "jray", "");
      try (Statement s = db.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS jobs (submission_id VARCHAR(128) PRIMARY KEY,"
            + " seq BIGINT NOT NULL, end_time BIGINT, details CHARACTER LARGE OBJECT NOT NULL)");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the job history in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code read} on the writer thread, after every write asked before; blocks at most {@link
   * #WAIT}.
   */
  private <T> T onWriter(Callable<T> read) {
    try {
      return writer.submit(read).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the job history did not answer within " + WAIT.toSeconds()
          + " s (its disk may hang)", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the job history", e);
    }
  }

  /** Every job's details and submission order, oldest first. */
  List<Stored> load() {
    return onWriter(this::read);
  }

  private List<Stored> read() {
    List<Stored> jobs = new ArrayList<>();
    try (Statement s = db.createStatement();
         ResultSet r = s.executeQuery("SELECT seq, details FROM jobs ORDER BY seq")) {
      while (r.next()) {
        jobs.add(new Stored(r.getLong(1), new JsonObject(r.getString(2))));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the job history: " + e.getMessage(), e);
    }
    return jobs;
  }

  record Stored(long seq, JsonObject details) {}

  /**
   * Writes a job's details (replacing what it had), after every write asked before; returns at
   * once. {@code details} must not change after.
   *
   * @return done once it is on disk; failed if it could not be written
   */
  CompletableFuture<Void> save(long seq, JsonObject details) {
    return CompletableFuture.runAsync(() -> write(seq, details), writer);
  }

  private void write(long seq, JsonObject details) {
    try {
      if (merge == null) {
        merge = db.prepareStatement("MERGE INTO jobs (submission_id, seq, end_time, details)"
            + " KEY (submission_id) VALUES (?, ?, ?, ?)");
      }
      merge.setString(1, details.getString("submission_id"));
      merge.setLong(2, seq);
      Long end = details.getLong("end_time");
      if (end == null) {
        merge.setNull(3, java.sql.Types.BIGINT);
      } else {
        merge.setLong(3, end);
      }
      merge.setString(4, details.encode());
      merge.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("cannot write job " + details.getString("submission_id") + " to the history: "
          + e.getMessage());
      throw new IllegalStateException("cannot write job " + details.getString("submission_id")
          + " to the history: " + e.getMessage(), e);
    }
  }

  /** Deletes a job's details, after every write asked before; returns at once. */
  void delete(String submissionId) {
    writer.execute(() -> remove(submissionId));
  }

  private void remove(String submissionId) {
    try (PreparedStatement s = db.prepareStatement("DELETE FROM jobs WHERE submission_id = ?")) {
      s.setString(1, submissionId);
      s.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("cannot delete job " + submissionId + " from the history: " + e.getMessage());
    }
  }

  /** The ended jobs that ended before {@code endedBefore} or beyond the newest {@code keep} ended ones. */
  List<String> expired(long endedBefore, int keep) {
    return onWriter(() -> expiredNow(endedBefore, keep));
  }

  private List<String> expiredNow(long endedBefore, int keep) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement s = db.prepareStatement("SELECT submission_id, end_time FROM jobs"
        + " WHERE end_time IS NOT NULL ORDER BY end_time DESC, seq DESC")) {
      try (ResultSet r = s.executeQuery()) {
        for (int rank = 0; r.next(); rank++) {
          if (rank >= keep || r.getLong(2) < endedBefore) {
            ids.add(r.getString(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the job history: " + e.getMessage(), e);
    }
    return ids;
  }

  /** Writes what was asked, then closes the file; blocks. */
  @Override
  public void close() {
    writer.execute(() -> {
      try {
        db.close();
      } catch (SQLException e) {
        LOG.warn("cannot close the job history: " + e.getMessage());
      }
    });
    writer.shutdown();
    try {
      if (!writer.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("the job history's writes did not finish within " + WAIT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
