package dev.jray.gcs.table;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One table of the global control store. Implementations: in memory (embedded mode) and a
 * Hazelcast {@code IMap} (clusters). Thread-safe. Calls may block on the network in a cluster:
 * never call them on a Vert.x event loop.
 */
public interface GcsTable<K, V> {

  /** @return the value, or null */
  V get(K key);

  /** Whether the key has a value; unlike {@link #get}, never ships the value. */
  boolean containsKey(K key);

  void put(K key, V value);

  /** @return the value already present, or null if {@code value} was stored */
  V putIfAbsent(K key, V value);

  /**
   * Atomically replaces the value with {@code update.apply(current)}; a null result removes it.
   *
   * @return the new value (null if absent or removed)
   */
  V update(K key, UnaryOperator<V> update);

  /** @return the removed value, or null */
  V remove(K key);

  /** The keys, a point-in-time copy; unlike {@link #snapshot}, ships no value. */
  Set<K> keys();

  /** A point-in-time copy of the whole table. */
  Map<K, V> snapshot();

  /**
   * Calls the listener after every change (value null on removal), on an unspecified thread.
   *
   * @return closes the subscription
   */
  AutoCloseable listen(TableListener<K, V> listener);

  /** Receives changes of one table. */
  @FunctionalInterface
  interface TableListener<K, V> {
    void changed(K key, V value);
  }
}
