package dev.jray.gcs.serialization;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Config;
import org.apache.fory.config.Language;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.resolver.TypeResolver;

/**
 * The default {@link Serializer}, on Apache Fory in Java mode with reference tracking. Needs no
 * {@code --add-opens} flags.
 *
 * <p>Thread-safe. Each class loader gets its own pooled {@link ThreadSafeFory} (created on first
 * use, weakly keyed by the loader). {@link #serialize} uses the calling thread's context class
 * loader; the bytes don't depend on it.
 *
 * <p>Java serialization rules are enforced per class, when Fory first builds a serializer for it
 * (on write and on read): a class that is neither {@link Serializable}, a record, nor a JDK
 * collection or map gets a serializer that fails as soon as one of its instances is written or
 * read. JDK types Fory serializes natively (e.g. {@code Optional}) are accepted as they are, and
 * {@code Thread}, sockets and similar classes are refused by Fory's own disallowed list.
 */
public final class ForySerializer implements Serializer {
  private final LoaderCache<ThreadSafeFory> fories = new LoaderCache<>(ForySerializer::newFory);

  @Override
  public byte[] serialize(Object value) {
    try {
      return fory(LoaderCache.contextLoader()).serialize(value);
    } catch (RuntimeException e) {
      throw SerializationException.wrap(
          "cannot serialize value of class " + value.getClass().getName(), e);
    }
  }

  @Override
  public Object deserialize(byte[] bytes, ClassLoader loader) {
    ThreadSafeFory fory = fory(loader);
    try {
      return fory.deserialize(bytes);
    } catch (RuntimeException e) {
      throw SerializationException.wrap("cannot deserialize value with class loader " + loader, e);
    }
  }

  @Override
  public Object deserialize(ByteBuffer buffer, ClassLoader loader) {
    ThreadSafeFory fory = fory(loader);
    try {
      // Fory reads direct and array-backed buffers in place; read-only heap buffers get copied.
      return fory.deserialize(buffer);
    } catch (RuntimeException e) {
      throw SerializationException.wrap("cannot deserialize value with class loader " + loader, e);
    }
  }

  @Override
  public String name() {
    return "fory";
  }

  /** The Fory instance of {@code loader}; one per loader, shared by all threads. */
  ThreadSafeFory fory(ClassLoader loader) {
    return fories.get(Objects.requireNonNull(loader, "loader"));
  }

  private static ThreadSafeFory newFory(ClassLoader loader) {
    return Fory.builder()
        .withLanguage(Language.JAVA)
        .withRefTracking(true)
        // Writer and reader run the same jars, as with Java serialization: no schema evolution, so
        // the payload carries no field metadata, every class goes through the check below, and a
        // peer with a different version of a class fails cleanly on the version hash.
        .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT)
        .withClassVersionCheck(true)
        // Classes come from job jars, so they can't be registered up front; peers are trusted, so
        // Fory's limits against hostile input go too (values can be huge, graphs deep).
        .requireClassRegistration(false)
        .suppressClassRegistrationWarnings(true)
        .withMaxGraphMemoryBytes(Long.MAX_VALUE)
        .withMaxUnbackedContainerItems(Integer.MAX_VALUE)
        // Its per-instance caches are sized by it; deeper graphs overflow a default stack anyway.
        .withMaxDepth(4096)
        // JDK collection views such as HashMap.keySet() aren't Serializable, but Fory copes.
        .withJdkClassSerializableCheck(false)
        .withSerializerFactory(ForySerializer::rejectUnlessSerializable)
        .withClassLoader(loader)
        .buildThreadSafeFory();
  }

  /** Fory asks this before building the serializer of a class; null means "build the usual one". */
  private static org.apache.fory.serializer.Serializer<?> rejectUnlessSerializable(
      TypeResolver resolver, Class<?> cls) {
    return isAccepted(cls) ? null : new NotSerializable<>(resolver.getConfig(), cls);
  }

  // Enums, arrays, boxed primitives and String are Serializable already.
  private static boolean isAccepted(Class<?> cls) {
    return Serializable.class.isAssignableFrom(cls)
        || cls.isRecord()
        || (cls.getName().startsWith("java.")
            && (Collection.class.isAssignableFrom(cls) || Map.class.isAssignableFrom(cls)));
  }

  /**
   * Stands in for a class that isn't Serializable. It fails only when an instance is actually
   * written or read, so a null field of such a type is fine, as with Java serialization.
   */
  private static final class NotSerializable<T> extends org.apache.fory.serializer.Serializer<T> {
    NotSerializable(Config config, Class<T> type) {
      super(config, type);
    }

    @Override
    public void write(WriteContext context, T value) {
      throw error();
    }

    @Override
    public T read(ReadContext context) {
      throw error();
    }

    private SerializationException error() {
      return new SerializationException(
          "class " + type.getName() + " does not implement java.io.Serializable");
    }
  }
}
