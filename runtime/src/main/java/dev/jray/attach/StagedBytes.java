package dev.jray.attach;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values too big for one link frame, staged in parts: one attached process's, at its host. A code
 * package in the KV may hold hundreds of megabytes, and a link frame at most 8 MiB. The host
 * stages what it answers (the process reads it part by part) and what the process writes (sent
 * part by part, then put at once). At most {@value #MAX_STAGED} values each way, each at most
 * {@value #MAX_BYTES} bytes; a new one past the count drops the oldest.
 *
 * <p>Threading: thread-safe (synchronized); the calls of one process run on the relay's executor.
 */
final class StagedBytes {
  /** A part's bytes at most: half a default frame. */
  static final int PART_BYTES = 4 << 20;
  /** One value's bytes at most: a code package is at most 512 MiB, plus its encoding. */
  static final long MAX_BYTES = (1L << 30) - 1;
  /** Values staged each way at most. */
  static final int MAX_STAGED = 4;

  /** Staged by the host, to be read: by stage id, oldest first. */
  private final LinkedHashMap<Long, byte[]> answers = new LinkedHashMap<>();
  /** Being sent by the process: by its stage id, oldest first. */
  private final LinkedHashMap<Long, Upload> uploads = new LinkedHashMap<>();
  private long nextAnswer;

  private static final class Upload {
    final byte[] bytes;
    long received;

    Upload(int total) {
      this.bytes = new byte[total];
    }
  }

  /** Stages {@code value}; @return its stage id. */
  synchronized long stageAnswer(byte[] value) {
    long id = ++nextAnswer;
    answers.put(id, value);
    dropOldest(answers);
    return id;
  }

  /**
   * The part of staged answer {@code stage} at {@code offset}; the answer is dropped once its last
   * part is read.
   *
   * @throws IllegalArgumentException if there is no such answer or offset
   */
  synchronized byte[] answerPart(long stage, long offset) {
    byte[] value = answers.get(stage);
    if (value == null) {
      throw new IllegalArgumentException("no staged value " + stage + " (read already, or dropped"
          + " for newer ones)");
    }
    if (offset < 0 || offset >= value.length) {
      throw new IllegalArgumentException("offset " + offset + " is outside staged value " + stage
          + " of " + value.length + " bytes");
    }
    int end = (int) Math.min(value.length, offset + PART_BYTES);
    if (end == value.length) {
      answers.remove(stage);
    }
    return Arrays.copyOfRange(value, (int) offset, end);
  }

  /**
   * Takes a part of the value the process stages as {@code stage}.
   *
   * @throws IllegalArgumentException if the total is too big or disagrees with the first part's,
   *     or the part falls outside it
   */
  synchronized void receive(long stage, long offset, long total, byte[] part) {
    if (total <= 0 || total > MAX_BYTES) {
      throw new IllegalArgumentException("a staged value of " + total + " bytes: at most "
          + MAX_BYTES);
    }
    if (part == null || part.length > PART_BYTES || offset < 0 || offset + part.length > total) {
      throw new IllegalArgumentException("a part of " + (part == null ? 0 : part.length)
          + " bytes at " + offset + " does not fit staged value " + stage + " of " + total);
    }
    Upload u = uploads.get(stage);
    if (u == null) {
      u = new Upload((int) total);
      uploads.put(stage, u);
      dropOldest(uploads);
    } else if (u.bytes.length != total) {
      throw new IllegalArgumentException("staged value " + stage + " was " + u.bytes.length
          + " bytes, now " + total);
    }
    System.arraycopy(part, 0, u.bytes, (int) offset, part.length);
    u.received += part.length;
  }

  /**
   * The whole value staged as {@code stage}, removed.
   *
   * @throws IllegalArgumentException if there is none, or parts are missing
   */
  synchronized byte[] take(long stage) {
    Upload u = uploads.remove(stage);
    if (u == null) {
      throw new IllegalArgumentException("no staged value " + stage + " was sent");
    }
    if (u.received != u.bytes.length) {
      throw new IllegalArgumentException("staged value " + stage + " has " + u.received + " of its "
          + u.bytes.length + " bytes");
    }
    return u.bytes;
  }

  /** Drops everything: the process is gone. */
  synchronized void clear() {
    answers.clear();
    uploads.clear();
  }

  private static void dropOldest(Map<Long, ?> staged) {
    Iterator<Long> oldest = staged.keySet().iterator();
    while (staged.size() > MAX_STAGED) {
      oldest.next();
      oldest.remove();
    }
  }
}
