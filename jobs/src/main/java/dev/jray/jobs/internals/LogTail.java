package dev.jray.jobs.internals;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code GET /api/jobs/{id}/logs/tail}: sends a job's log over a WebSocket as text frames while
 * it grows, then closes once the job has ended and every byte went out.
 *
 * <p>Threading: the lookup's result, the poll timer and close handler run on the socket's event loop; the file read
 * runs in executeBlocking, whose result comes back to that loop, so {@code offset}, {@code
 * reading} and {@code timer} are only touched there.
 */
public final class LogTail {
  private static final long POLL_MS = 100;
  private static final int MAX_FRAME_BYTES = 64 * 1024;
  /** WebSocket close code for an unknown job: 4000 + HTTP's 404 (4000-4999 are the application's). */
  static final short NOT_FOUND = 4404;

  private final Vertx vertx;
  private final JobSupervisor supervisor;
  private final String id;
  /** Set on the event loop once the job is found. */
  private Path log;
  private final ServerWebSocket socket;
  private long offset;
  private boolean reading;
  private long timer = -1;

  public LogTail(Vertx vertx, JobSupervisor supervisor, String id, ServerWebSocket socket) {
    this.vertx = vertx;
    this.supervisor = supervisor;
    this.id = id;
    this.socket = socket;
  }

  /** Finds the job, then polls its log; an unknown job closes the socket with code 4404 and why. */
  public void start() {
    vertx.executeBlocking(() -> supervisor.logFile(id)).onComplete(r -> {
      if (r.failed()) {
        socket.close(NOT_FOUND, r.cause().getMessage());
        return;
      }
      log = r.result();
      socket.closeHandler(v -> vertx.cancelTimer(timer));
      timer = vertx.setPeriodic(0, POLL_MS, t -> poll());
    });
  }

  private record Chunk(byte[] bytes, boolean ended) {}

  private void poll() {
    if (reading || socket.writeQueueFull()) {
      return;
    }
    reading = true;
    vertx.executeBlocking(() -> {
      boolean ended = supervisor.isTerminal(id); // read before the bytes: no last line missed
      return new Chunk(read(), ended);
    }).onComplete(r -> {
      reading = false;
      if (r.failed()) {
        vertx.cancelTimer(timer);
        socket.close((short) 1011, "the job's log cannot be read: " + r.cause().getMessage());
        return;
      }
      Chunk c = r.result();
      if (c.bytes.length > 0) {
        offset += c.bytes.length;
        socket.writeTextMessage(new String(c.bytes, StandardCharsets.UTF_8));
      } else if (c.ended) {
        vertx.cancelTimer(timer);
        socket.close();
      }
    });
  }

  /** Up to a frame's bytes from {@code offset}, cut after the last newline when it has one. */
  private byte[] read() throws IOException {
    java.io.File file = log.toFile();
    if (!file.exists()) {
      return new byte[0];
    }
    try (RandomAccessFile f = new RandomAccessFile(file, "r")) {
      int n = (int) Math.min(MAX_FRAME_BYTES, Math.max(0, f.length() - offset));
      byte[] bytes = new byte[n];
      f.seek(offset);
      f.readFully(bytes);
      if (n == MAX_FRAME_BYTES) {
        for (int i = n - 1; i > 0; i--) {
          if (bytes[i] == '\n') {
            return Arrays.copyOf(bytes, i + 1); // whole lines: no character split in two
          }
        }
      }
      return bytes;
    }
  }
}
