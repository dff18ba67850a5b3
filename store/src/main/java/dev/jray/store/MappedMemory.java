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
 * Object memory: shared mappings of files that are deleted as soon as they are mapped, so the
 * memory is neither Java heap nor direct-buffer memory and is returned to the OS on unmap.
 * Stateless and thread-safe; callers must make sure no view of a buffer is used after {@link
 * #unmap}, since touching unmapped memory crashes the JVM.
 */
final class MappedMemory {
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  private MappedMemory() {}

  /** Maps {@code size} zeroed bytes backed by a fresh file in {@code directory}. */
  static MappedByteBuffer map(Path directory, long size) throws IOException {
    Path file = Files.createTempFile(directory, "object-", ".mem");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // READ_WRITE mapping grows the file to size; the mapping outlives the channel.
      return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    } finally {
      // Without a name, the mapping is the file's last reference: unmapping frees its pages.
      Files.delete(file);
    }
  }

  /** Unmaps now rather than when the buffer is garbage collected. */
  static void unmap(MappedByteBuffer memory) {
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) memory);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("unmapping failed", t);
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
