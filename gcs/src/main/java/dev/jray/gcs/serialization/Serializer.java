package dev.jray.gcs.serialization;

import java.nio.ByteBuffer;

/**
 * Turns object values into bytes and back, for the object store, task arguments and the wire.
 *
 * <p>Values follow Java serialization rules: every object reachable from a value must be of a
 * {@link java.io.Serializable} class (records and JDK collections/maps are accepted too);
 * otherwise {@link SerializationException} names the offending class. Shared references and cycles
 * are preserved, and {@code writeReplace}/{@code readResolve} are honoured.
 *
 * <p>Implementations are thread-safe: one instance is shared by all threads.
 */
public interface Serializer {

  /**
   * Serializes {@code value}, which may be null.
   *
   * @throws SerializationException if the value or an object reachable from it isn't serializable
   */
  byte[] serialize(Object value);

  /**
   * Deserializes a value written by {@link #serialize}, resolving classes through {@code loader}
   * (the job's class loader, so jobs with different versions of a class each get their own).
   *
   * @throws SerializationException if the bytes can't be read, e.g. a class is missing
   */
  Object deserialize(byte[] bytes, ClassLoader loader);

  /**
   * Like {@link #deserialize(byte[], ClassLoader)}, reading from {@code buffer}'s position to its
   * limit. Heap, direct and memory-mapped buffers are read in place where the library allows it, so
   * a large value costs only the allocation of its own result. The buffer's position is unchanged.
   *
   * @throws SerializationException if the bytes can't be read, e.g. a class is missing
   */
  Object deserialize(ByteBuffer buffer, ClassLoader loader);

  /** The name that selects this serializer with {@code -Djray.serializer}. */
  String name();
}
