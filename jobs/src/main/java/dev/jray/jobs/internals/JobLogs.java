package dev.jray.jobs.internals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Jobs' log files on the head: read in chunks, their ends, and copies from the nodes. Stateless. */
final class JobLogs {
  private static final Logger LOG = LoggerFactory.getLogger(JobLogs.class);

  private JobLogs() {}

  /** Up to {@code max} bytes of {@code file} from {@code offset} (none if it does not exist). */
  static EntrypointProcesses.LogChunk read(Path file, long offset, int max) throws IOException {
    if (!Files.exists(file)) {
      return new EntrypointProcesses.LogChunk(new byte[0], 0, false);
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long size = f.length();
      byte[] bytes = new byte[(int) Math.max(0, Math.min(max, size - offset))];
      f.seek(Math.min(offset, size));
      f.readFully(bytes);
      return new EntrypointProcesses.LogChunk(bytes, size, false);
    }
  }

  /** Reads a log in chunks. */
  @FunctionalInterface
  interface Chunks {
    EntrypointProcesses.LogChunk read(long offset, int max) throws IOException;
  }

  /** A whole log, read chunk by chunk until its size as the last chunk gave it. */
  static String readAll(Chunks log) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (long offset = 0; ; ) {
      EntrypointProcesses.LogChunk c = log.read(offset, dev.jray.jobs.EntrypointHostVerticle.MAX_LOG_CHUNK);
      all.write(c.bytes());
      offset += c.bytes().length;
      if (c.bytes().length == 0 || offset >= c.size()) {
        return all.toString(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * Copies the whole log of an entrypoint that exited on {@code node} to {@code to}.
   *
   * @return null, or why it could not, for the job's message
   */
  static String copy(EntrypointHosts hosts, String node, String id, Path to) {
    try (var out = Files.newOutputStream(to)) {
      for (long offset = 0; ; ) {
        EntrypointProcesses.LogChunk c = hosts.log(node, id, offset,
            dev.jray.jobs.EntrypointHostVerticle.MAX_LOG_CHUNK);
        out.write(c.bytes());
        offset += c.bytes().length;
        if (c.bytes().length == 0 || offset >= c.size()) {
          return null;
        }
      }
    } catch (IOException e) {
      LOG.warn("job '" + id + "': its log could not be copied from node " + node + ": "
          + e.getMessage());
      return "(the log could not be copied from node " + node + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The last {@code lines} lines of a log, of which at most the last {@code chars} characters (as
   * Ray's get_last_n_log_lines); empty if it cannot be read.
   */
  static String lastLines(Path log, int lines, int chars) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      // a UTF-8 character is at most 4 bytes: the last chars characters lie within these
      long from = Math.max(0, f.length() - 4L * chars - 4);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      int pos = text.endsWith("\n") ? text.length() - 1 : text.length();
      int start = 0;
      for (int found = 0; pos > 0; ) {
        int nl = text.lastIndexOf('\n', pos - 1);
        if (nl < 0) {
          break;
        }
        if (++found == lines) {
          start = nl + 1;
          break;
        }
        pos = nl;
      }
      String tail = text.substring(start);
      return tail.length() > chars ? tail.substring(tail.length() - chars) : tail;
    } catch (IOException e) {
      return "";
    }
  }
}
