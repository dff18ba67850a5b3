package dev.jray.gcs.serialization;

import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * One lazily created value per class loader, weakly keyed so a finished job's loader can be
 * unloaded. Thread-safe.
 */
final class LoaderCache<V> {
  private final Function<ClassLoader, V> factory;
  // Values hold their loader, so strong values would pin the weak keys forever; soft values let a
  // loader go once its value has been idle for a while or memory runs short.
  private final Map<ClassLoader, SoftReference<V>> values = new WeakHashMap<>();

  /** The entry used last, read without the lock: nearly every call asks for the same loader. */
  private volatile Last<V> last;

  private record Last<V>(WeakReference<ClassLoader> loader, SoftReference<V> value) {}

  LoaderCache(Function<ClassLoader, V> factory) {
    this.factory = factory;
  }

  V get(ClassLoader loader) {
    Last<V> l = last;
    if (l != null && l.loader().get() == loader) {
      V value = l.value().get();
      if (value != null) {
        return value;
      }
    }
    return getLocked(loader);
  }

  private synchronized V getLocked(ClassLoader loader) {
    SoftReference<V> ref = values.get(loader);
    V value = ref == null ? null : ref.get();
    if (value == null) {
      value = factory.apply(loader);
      ref = new SoftReference<>(value);
      values.put(loader, ref);
    }
    last = new Last<>(new WeakReference<>(loader), ref);
    return value;
  }

  /** The loader of the calling thread, which the runtime sets to the job's loader in job code. */
  static ClassLoader contextLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : LoaderCache.class.getClassLoader();
  }
}
