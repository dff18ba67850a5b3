package dev.jray.gcs.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.jray.gcs.table.GcsTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A GCS table on a Hazelcast {@link IMap}, shared by every member of the cluster. Keys and values
 * travel with Hazelcast's serialization (Java serialization for jray's records and ids).
 *
 * <p>Threading: thread-safe (the IMap is). Every method but {@link #listen}'s callback blocks on
 * the network: never call them on a Vert.x event loop.
 */
final class HazelcastGcsTable<K, V> implements GcsTable<K, V> {
  private final IMap<K, V> map;

  HazelcastGcsTable(IMap<K, V> map) {
    this.map = Objects.requireNonNull(map, "map");
  }

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
    // set: no need to ship the old value back.
    map.set(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    return map.putIfAbsent(key, value);
  }

  /**
   * Applies {@code update} in this JVM while holding the key's cluster-wide lock, so the function
   * need not be serializable. Hazelcast makes other members' writes to a locked key wait, and
   * releases the lock if this member dies. Compare-and-set ({@code replace(k, old, new)}) is not
   * used: it compares serialized bytes, so a value type whose serialized form is not canonical
   * would make it retry forever.
   */
  @Override
  public V update(K key, UnaryOperator<V> update) {
    map.lock(key);
    try {
      V current = map.get(key);
      if (current == null) {
        return null;
      }
      V next = update.apply(current);
      if (next == null) {
        map.delete(key);
      } else {
        map.set(key, next);
      }
      return next;
    } finally {
      map.unlock(key);
    }
  }

  @Override
  public V remove(K key) {
    return map.remove(key);
  }

  @Override
  public Set<K> keys() {
    return new HashSet<>(map.keySet());
  }

  @Override
  public Map<K, V> snapshot() {
    Map<K, V> copy = new HashMap<>();
    for (Map.Entry<K, V> e : map.entrySet()) {
      copy.put(e.getKey(), e.getValue());
    }
    return copy;
  }

  /**
   * Subscribes to changes made by any member. Hazelcast calls the listener on one of its event
   * threads, in order for a given key; the listener must not block.
   */
  @Override
  public AutoCloseable listen(TableListener<K, V> listener) {
    UUID id = map.addEntryListener(new Forwarder<>(listener), true);
    return () -> map.removeEntryListener(id);
  }

  private record Forwarder<K, V>(TableListener<K, V> listener)
      implements EntryAddedListener<K, V>,
          EntryUpdatedListener<K, V>,
          EntryRemovedListener<K, V>,
          EntryEvictedListener<K, V>,
          EntryExpiredListener<K, V> {

    @Override
    public void entryAdded(EntryEvent<K, V> event) {
      listener.changed(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<K, V> event) {
      listener.changed(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<K, V> event) {
      listener.changed(event.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<K, V> event) {
      listener.changed(event.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<K, V> event) {
      listener.changed(event.getKey(), null);
    }
  }
}
