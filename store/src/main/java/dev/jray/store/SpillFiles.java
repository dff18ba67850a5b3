package dev.jray.store;

import dev.jray.api.id.ObjectId;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files a store spills primaries to when its memory is full, one per object: written from the
 * object's memory, read back into fresh memory by the kernel ({@code transferTo}).
 *
 * <p>Threading: stateless; called under the {@link ObjectStore}'s lock, and blocks on disk I/O.
 */
final class SpillFiles {
  private SpillFiles() {}

  /** Writes {@code source} to a new {@code file}; on failure no file is left. */
  static void write(Path file, ByteBuffer source, ObjectId id) {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (source.hasRemaining()) {
        channel.write(source);
      }
    } catch (IOException e) {
      UncheckedIOException failure =
          new UncheckedIOException("cannot spill object " + id + " to " + file, e);
      try {
        Files.deleteIfExists(file);
      } catch (IOException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  /** Copies the first {@code size} bytes of {@code file} into {@code to}, in the kernel. */
  static void read(Path file, FileChannel to, long size, ObjectId id) {
    try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ)) {
      for (long done = 0; done < size; ) {
        long copied = from.transferTo(done, size - done, to);
        if (copied <= 0) {
          throw new EOFException("the file ends after " + done + " of " + size + " bytes");
        }
        done += copied;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore object " + id + " from " + file, e);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spill file " + file, e);
    }
  }
}
