package dev.jray.gcs.table;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** A GCS table in this JVM's memory, for embedded mode and tests. Thread-safe. */
public final class InMemoryGcsTable<K, V> implements GcsTable<K, V> {
  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<TableListener<K, V>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public V get(K key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(K key) {
    return map.containsKey(key);
  }

  @Override
  public void put(K key, V value) {
    map.put(key, value);
    fire(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V previous = map.putIfAbsent(key, value);
    if (previous == null) {
      fire(key, value);
    }
    return previous;
  }

  @Override
  public V update(K key, UnaryOperator<V> update) {
    V result = map.compute(key, (k, v) -> v == null ? null : update.apply(v));
    fire(key, result);
    return result;
  }

  @Override
  public V remove(K key) {
    V removed = map.remove(key);
    if (removed != null) {
      fire(key, null);
    }
    return removed;
  }

  @Override
  public Set<K> keys() {
    return new HashSet<>(map.keySet());
  }

  @Override
  public Map<K, V> snapshot() {
    return new HashMap<>(map);
  }

  @Override
  public AutoCloseable listen(TableListener<K, V> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void fire(K key, V value) {
    for (TableListener<K, V> l : listeners) {
      l.changed(key, value);
    }
  }
}
