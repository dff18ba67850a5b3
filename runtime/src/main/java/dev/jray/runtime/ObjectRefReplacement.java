package dev.jray.runtime;

import dev.jray.api.ObjectRef;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the ObjectRefs inside a value become while the calling thread serializes it for someone
 * who is not a worker: a Ray Client's session driver writes a get's values for its client, whose
 * refs must become the client's handles, not this worker's wire refs.
 *
 * <p>Threading: per thread.
 */
public final class ObjectRefReplacement {
  private static final ThreadLocal<Function<ObjectRef<?>, Object>> CURRENT = new ThreadLocal<>();

  private ObjectRefReplacement() {}

  /** Runs {@code write} with each ObjectRef it serializes replaced by {@code replacer}'s object. */
  public static <T> T during(Function<ObjectRef<?>, Object> replacer, Supplier<T> write) {
    Function<ObjectRef<?>, Object> outer = CURRENT.get();
    CURRENT.set(replacer);
    try {
      return write.get();
    } finally {
      CURRENT.set(outer);
    }
  }

  /** The replacement of {@code ref} on this thread, or null for none. */
  static Object of(ObjectRef<?> ref) {
    Function<ObjectRef<?>, Object> r = CURRENT.get();
    return r == null ? null : r.apply(ref);
  }
}
