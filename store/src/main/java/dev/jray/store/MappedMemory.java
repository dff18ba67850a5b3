package dev.jray.store;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Object memory: a file that is deleted as soon as it is created, kept open, and mapped, so
 * the memory is neither Java heap nor direct-buffer memory and is returned to the OS once unmapped
 * and closed. Stateless and thread-safe; callers must make sure no view of a buffer is used after
 * {@link #release}, since touching unmapped memory crashes the JVM.
 */
final class MappedMemory {
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  /**
   * One object's memory. Bulk copies go through {@code file} (positional reads and writes): on first touch a mapping takes a page fault per 4 KiB page, which costs far more
   * than the copy on some virtual machines, while a system call copies without any.
   */
  record Region(
      MappedByteBuffer mapping, FileChannel file, FileChannel reader, MappedByteBuffer writable) {}

  /**
   * The same memory, also mapped writable, for reuse: once its pages are faulted in, writing
   * through the mapping is a plain memory copy, faster than a system call per slice.
   */
  static Region writable(Region region) throws IOException {
    if (region.writable() != null) {
      return region;
    }
    return new Region(region.mapping(), region.file(), region.reader(),
        region.file().map(FileChannel.MapMode.READ_WRITE, 0, region.mapping().capacity()));
  }

  private MappedMemory() {}

  /**
   * Creates {@code size} zeroed bytes backed by a fresh file in {@code directory}, mapped read-only:
   * bytes are written through the file, and faults on a read-only mapping map 16 pages at a time
   * (fault-around) where a writable one maps one.
   */
  static Region map(Path directory, long size) throws IOException {
    Path file = Files.createTempFile(directory, "object-", ".mem");
    FileChannel channel = null;
    FileChannel reader = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (size > 0) {
        // Grows the (sparse) file to size: reading a mapping past the end of its file is SIGBUS.
        channel.write(ByteBuffer.allocate(1), size - 1);
      }
      reader = FileChannel.open(file, StandardOpenOption.READ);
      return new Region(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), channel, reader, null);
    } catch (IOException | RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      if (channel != null) {
        channel.close();
      }
      throw e;
    } finally {
      // Without a name, the mapping and the channel are the file's last references.
      Files.delete(file);
    }
  }

  /** Unmaps now rather than when the buffer is garbage collected, and closes the file. */
  static void release(Region region) {
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) region.mapping());
      if (region.writable() != null) {
        INVOKE_CLEANER.invokeExact((ByteBuffer) region.writable());
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("unmapping failed", t);
    } finally {
      try (FileChannel reader = region.reader(); FileChannel file = region.file()) {
        // closes both
      } catch (IOException e) {
        // Nothing left to flush in an unlinked file: the pages go with its last reference anyway.
      }
    }
  }

  private static MethodHandle findInvokeCleaner() {
    try {
      // Looked up reflectively so compiling needs no internal API; jdk.unsupported opens sun.misc.
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(theUnsafe.get(null));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
