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
 *
 * <p>Reading is bounded by Fory's limits against hostile input ({@link Limits}): how deep a value
 * nests, how much memory reading one value may reserve, and how many container items it may
 * declare that no bytes of the input back. They are high, so real values pass, and finite, so a
 * few bytes cannot make a reader allocate without end; a value over one is refused with a {@link
 * SerializationException} naming the limit and the system property that raises it.
 */
public final class ForySerializer implements Serializer {
  /** System property: how deep a value's objects may nest when read. */
  public static final String MAX_DEPTH_PROPERTY = "jray.fory.max-depth";
  /** System property: the most memory, in bytes, reading one value may reserve. */
  public static final String MAX_GRAPH_MEMORY_PROPERTY = "jray.fory.max-graph-memory-bytes";
  /** System property: the most container items one value may declare beyond its bytes. */
  public static final String MAX_UNBACKED_ITEMS_PROPERTY = "jray.fory.max-unbacked-container-items";

  /**
   * Fory's limits on reading one value.
   *
   * @param maxDepth how deep objects may nest (at least 2)
   * @param maxGraphMemoryBytes the most memory reading one value may reserve (at least 1)
   * @param maxUnbackedContainerItems the most container items a value may declare that its bytes
   *     do not back (at least 0)
   */
  public record Limits(int maxDepth, long maxGraphMemoryBytes, int maxUnbackedContainerItems) {
    // deeper graphs overflow a default thread stack first
    private static final int DEFAULT_MAX_DEPTH = 4096;
    // the value of 2^24 null or repeated items: far beyond real values, 128 MiB of references
    private static final int DEFAULT_MAX_UNBACKED_ITEMS = 1 << 24;

    public Limits {
      if (maxDepth < 2 || maxGraphMemoryBytes < 1 || maxUnbackedContainerItems < 0) {
        throw new IllegalArgumentException("Fory limits out of range: " + maxDepth + ", "
            + maxGraphMemoryBytes + ", " + maxUnbackedContainerItems);
      }
    }

    /**
     * The limits of {@value #MAX_DEPTH_PROPERTY} (default 4096), {@value
     * #MAX_GRAPH_MEMORY_PROPERTY} (default: the JVM's maximum heap, which no value read can
     * exceed anyway) and {@value #MAX_UNBACKED_ITEMS_PROPERTY} (default 2^24).
     *
     * @throws IllegalArgumentException naming the property whose value is not a number in range
     */
    public static Limits fromSystemProperties() {
      return new Limits(
          (int) number(MAX_DEPTH_PROPERTY, DEFAULT_MAX_DEPTH, 2, Integer.MAX_VALUE),
          number(MAX_GRAPH_MEMORY_PROPERTY, Runtime.getRuntime().maxMemory(), 1, Long.MAX_VALUE),
          (int) number(MAX_UNBACKED_ITEMS_PROPERTY, DEFAULT_MAX_UNBACKED_ITEMS, 0,
              Integer.MAX_VALUE));
    }

    private static long number(String property, long fallback, long least, long most) {
      String configured = System.getProperty(property);
      if (configured == null || configured.isBlank()) {
        return fallback;
      }
      try {
        long value = Long.parseLong(configured.trim());
        if (value >= least && value <= most) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("-D" + property + " must be a whole number from "
          + least + " to " + most + ", got '" + configured + "'");
    }
  }

  private final Limits limits;
  private final LoaderCache<ThreadSafeFory> fories;

  /** A serializer with the limits of the system properties ({@link Limits#fromSystemProperties}). */
  public ForySerializer() {
    this(Limits.fromSystemProperties());
  }

  public ForySerializer(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.fories = new LoaderCache<>(loader -> newFory(loader, limits));
  }

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
    } catch (RuntimeException | StackOverflowError e) {
      throw readError(loader, e);
    }
  }

  @Override
  public Object deserialize(ByteBuffer buffer, ClassLoader loader) {
    ThreadSafeFory fory = fory(loader);
    try {
      // Fory reads direct and array-backed buffers in place; read-only heap buffers get copied.
      return fory.deserialize(buffer);
    } catch (RuntimeException | StackOverflowError e) {
      throw readError(loader, e);
    }
  }

  /** The limits this serializer reads with. */
  public Limits limits() {
    return limits;
  }

  /** What went wrong reading: a limit exceeded, by name, else the most precise cause. */
  private SerializationException readError(ClassLoader loader, Throwable e) {
    String what = "cannot deserialize value with class loader " + loader;
    String exceeded = exceededLimit(e);
    return exceeded == null ? SerializationException.wrap(what, e)
        : new SerializationException(what + ": refused, it exceeds " + exceeded
            + " (raise it only for data from peers you trust)", e);
  }

  /** The limit {@code e} says was exceeded, with its value and property, or null. */
  private String exceededLimit(Throwable e) {
    if (e instanceof StackOverflowError) {
      return "the thread's stack (it nests too deep; -Xss, or a lower -D" + MAX_DEPTH_PROPERTY
          + ", turns this into a clear refusal)";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      // Fory's messages name the builder method of the limit
      if (message.contains("withMaxDepth")) {
        return "the maximum depth " + limits.maxDepth() + " (-D" + MAX_DEPTH_PROPERTY + ")";
      }
      if (message.contains("withMaxGraphMemoryBytes")) {
        return "the memory one value may reserve, " + limits.maxGraphMemoryBytes() + " bytes (-D"
            + MAX_GRAPH_MEMORY_PROPERTY + ")";
      }
      if (message.contains("withMaxUnbackedContainerItems")) {
        return "the " + limits.maxUnbackedContainerItems() + " container items a value may declare"
            + " beyond its bytes (-D" + MAX_UNBACKED_ITEMS_PROPERTY + ")";
      }
    }
    return null;
  }

  @Override
  public String name() {
    return "fory";
  }

  /** The Fory instance of {@code loader}; one per loader, shared by all threads. */
  ThreadSafeFory fory(ClassLoader loader) {
    return fories.get(Objects.requireNonNull(loader, "loader"));
  }

  private static ThreadSafeFory newFory(ClassLoader loader, Limits limits) {
    return Fory.builder()
        .withLanguage(Language.JAVA)
        .withRefTracking(true)
        // Writer and reader run the same jars, as with Java serialization: no schema evolution, so
        // the payload carries no field metadata, every class goes through the check below, and a
        // peer with a different version of a class fails cleanly on the version hash.
        .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT)
        .withClassVersionCheck(true)
        // Classes come from job jars, so they can't be registered up front; values come only from
        // authenticated peers, and Fory's limits bound what a value read may ask for.
        .requireClassRegistration(false)
        .suppressClassRegistrationWarnings(true)
        .withMaxGraphMemoryBytes(limits.maxGraphMemoryBytes())
        .withMaxUnbackedContainerItems(limits.maxUnbackedContainerItems())
        .withMaxDepth(limits.maxDepth())
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

  // Enums, arrays, boxed primitives and String are Serializable already; a ByteBuffer is not,
  // but Ray programs pass them (Fory writes its remaining bytes)
  private static boolean isAccepted(Class<?> cls) {
    return Serializable.class.isAssignableFrom(cls)
        || cls.isRecord()
        || java.nio.ByteBuffer.class.isAssignableFrom(cls)
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
