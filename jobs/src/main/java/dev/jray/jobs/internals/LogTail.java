package dev.jray.jobs.internals;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code GET /api/jobs/{id}/logs/tail}: sends a job's log over a WebSocket as text frames while
 * it grows, then closes once the job has ended and every byte went out.
 *
 * <p>Threading: the poll timer and close handler run on the socket's event
 * loop; the log read (from the node that runs the job, or the head's copy) runs in
 * executeBlocking, whose result comes back to that loop, so {@code offset}, {@code reading} and
 * {@code timer} are only touched there.
 */
public final class LogTail {
  private static final long POLL_MS = 100;
  private static final int MAX_FRAME_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final JobSupervisor supervisor;
  private final String id;
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

  /** Polls the job's log (found before the socket was upgraded) until the job has ended. */
  public void start() {
    socket.closeHandler(v -> vertx.cancelTimer(timer));
    timer = vertx.setPeriodic(0, POLL_MS, t -> poll());
  }

  private void poll() {
    if (reading || socket.writeQueueFull()) {
      return;
    }
    reading = true;
    vertx.executeBlocking(() -> supervisor.log(id, offset, MAX_FRAME_BYTES)).onComplete(r -> {
      reading = false;
      if (r.failed()) {
        vertx.cancelTimer(timer);
        socket.close((short) 1011, "the job's log cannot be read: " + r.cause().getMessage());
        return;
      }
      byte[] bytes = wholeLines(r.result().bytes());
      if (bytes.length > 0) {
        offset += bytes.length;
        socket.writeTextMessage(new String(bytes, StandardCharsets.UTF_8));
      } else if (!r.result().running()) {
        vertx.cancelTimer(timer);
        socket.close();
      }
    });
  }

  /** A full frame cut after its last newline, when it has one: no character split in two. */
  private static byte[] wholeLines(byte[] bytes) {
    if (bytes.length == MAX_FRAME_BYTES) {
      for (int i = bytes.length - 1; i > 0; i--) {
        if (bytes[i] == '\n') {
          return Arrays.copyOf(bytes, i + 1);
        }
      }
    }
    return bytes;
  }
}
