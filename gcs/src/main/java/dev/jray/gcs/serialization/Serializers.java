package dev.jray.gcs.serialization;

/**
 * Picks the {@link Serializer}: Fory by default, FST with {@code -Djray.serializer=fst} (for
 * trusted clusters only: see {@link FstSerializer}). The instances are shared singletons; all
 * methods are thread-safe.
 */
public final class Serializers {
  /** The system property that selects the serializer. */
  public static final String PROPERTY = "jray.serializer";

  /** Made on first use, so a bad limit property fails that call by name; guarded by the class. */
  private static Serializer fory;
  /** Made on first use; guarded by the class. */
  private static Serializer fst;

  private Serializers() {}

  /**
   * The serializer named by {@code -Djray.serializer}: {@code fory} (the default) or {@code fst}.
   *
   * @throws IllegalArgumentException if the property names another serializer
   */
  public static Serializer fromSystemProperties() {
    String name = System.getProperty(PROPERTY, "fory");
    switch (name) {
      case "fory":
        return fory();
      case "fst":
        return fst();
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + "=" + name + " is unknown; choose fory (the default) or fst");
    }
  }

  /**
   * The Fory serializer, with the limits of the system properties, created on first call.
   *
   * @throws IllegalArgumentException naming a limit property whose value is invalid
   */
  public static synchronized Serializer fory() {
    if (fory == null) {
      fory = new ForySerializer();
    }
    return fory;
  }

  /**
   * The FST serializer, created on first call.
   *
   * @throws IllegalStateException if FST is not on the classpath
   * @throws SerializationException if the JVM lacks an {@code --add-opens} flag FST needs
   */
  public static synchronized Serializer fst() {
    if (fst == null) {
      try {
        fst = new FstSerializer();
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException(
            "-D" + PROPERTY + "=fst needs de.ruedigermoeller:fst 2.57 on the classpath", e);
      }
    }
    return fst;
  }
}
