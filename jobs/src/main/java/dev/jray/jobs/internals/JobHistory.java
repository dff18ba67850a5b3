package dev.jray.jobs.internals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The head's job history on its disk: each job's details (Ray's JSON), so that jobs are listed
 * and their logs served after the whole cluster restarts. Kept in H2, embedded: a pure-Java
 * single jar (no native library, unlike SQLite), its MVStore file commits atomically and survives
 * a crash, and SQL makes pruning by age and count one statement each; Derby is heavier and
 * retired, and hand-written JSON files would need their own atomic rewrite and index.
 *
 * <p>Threading: not thread-safe; the owning {@link JobSupervisor}'s lock guards the connection.
 */
final class JobHistory implements AutoCloseable {
  private final Connection db;

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

  /** Every job's details and submission order, oldest first. */
  List<Stored> load() {
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

  void save(long seq, JsonObject details) {
    try (PreparedStatement s = db.prepareStatement(
        "MERGE INTO jobs (submission_id, seq, end_time, details) KEY (submission_id) VALUES (?, ?, ?, ?)")) {
      s.setString(1, details.getString("submission_id"));
      s.setLong(2, seq);
      Long end = details.getLong("end_time");
      if (end == null) {
        s.setNull(3, java.sql.Types.BIGINT);
      } else {
        s.setLong(3, end);
      }
      s.setString(4, details.encode());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write job " + details.getString("submission_id")
          + " to the history: " + e.getMessage(), e);
    }
  }

  void delete(String submissionId) {
    try (PreparedStatement s = db.prepareStatement("DELETE FROM jobs WHERE submission_id = ?")) {
      s.setString(1, submissionId);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot delete job " + submissionId + " from the history: " + e.getMessage(), e);
    }
  }

  /** The ended jobs that ended before {@code endedBefore} or beyond the newest {@code keep} ended ones. */
  List<String> expired(long endedBefore, int keep) {
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

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the job history: " + e.getMessage(), e);
    }
  }
}
