package dev.jray.attach;

import dev.jray.attach.AttachMessages.Ack;
import dev.jray.attach.AttachMessages.CasOutcome;
import dev.jray.attach.AttachMessages.GcsCasResult;
import dev.jray.attach.AttachMessages.GcsChanged;
import dev.jray.attach.AttachMessages.GcsCompareAndSet;
import dev.jray.attach.AttachMessages.GcsContainsKey;
import dev.jray.attach.AttachMessages.GcsGet;
import dev.jray.attach.AttachMessages.GcsKeys;
import dev.jray.attach.AttachMessages.GcsPut;
import dev.jray.attach.AttachMessages.GcsPutIfAbsent;
import dev.jray.attach.AttachMessages.GcsRemove;
import dev.jray.attach.AttachMessages.GcsSnapshot;
import dev.jray.attach.AttachMessages.GcsValue;
import dev.jray.gcs.table.GcsTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table of a {@link HostGcs}: each operation a request to the host, its keys and values
 * checked against the table's types as they come back.
 *
 * <p>Threading: thread-safe (stateless beyond its {@link HostGcs}); every method but the listener
 * callback blocks on the host.
 */
final class HostGcsTable<K, V> implements GcsTable<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(HostGcsTable.class);
  /** Compare-and-sets {@link #update} tries before it gives up: each lost one, another won. */
  static final int MAX_UPDATE_ATTEMPTS = 64;
  /** The longest back-off after a lost compare-and-set grows by this per attempt. */
  private static final long BACKOFF_STEP_NANOS = 200_000;

  private final HostGcs gcs;
  private final GcsTableName name;
  private final Class<K> keyType;
  private final Class<V> valueType;

  HostGcsTable(HostGcs gcs, GcsTableName name, Class<K> keyType, Class<V> valueType) {
    this.gcs = gcs;
    this.name = name;
    this.keyType = keyType;
    this.valueType = valueType;
  }

  @Override
  public V get(K key) {
    String what = what("get", key);
    return value(gcs.call(what, new GcsGet(name, encode(key)), GcsValue.class), what);
  }

  @Override
  public boolean containsKey(K key) {
    return gcs.call(what("containsKey", key), new GcsContainsKey(name, encode(key)),
        Boolean.class);
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(value, "value");
    gcs.call(what("put", key), new GcsPut(name, encode(key), GcsValueCodec.encode(value)),
        Ack.class);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    Objects.requireNonNull(value, "value");
    String what = what("putIfAbsent", key);
    return value(gcs.call(what,
        new GcsPutIfAbsent(name, encode(key), GcsValueCodec.encode(value)), GcsValue.class), what);
  }

  /**
   * Reads the value, applies {@code update} here and replaces the value at the host only if it is
   * still the one read; else applies it again to the value now, at most {@link
   * #MAX_UPDATE_ATTEMPTS} times.
   *
   * @throws HostCallException naming the table and key if every attempt lost to another writer
   */
  @Override
  public V update(K key, UnaryOperator<V> update) {
    Objects.requireNonNull(update, "update");
    String what = what("update", key);
    byte[] keyBytes = encode(key);
    byte[] currentBytes = gcs.call(what, new GcsGet(name, keyBytes), GcsValue.class).value();
    for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      if (currentBytes == null) {
        return null; // absent: as every GcsTable, nothing to update
      }
      V next = update.apply(read(currentBytes, valueType, "the value of " + what));
      GcsCasResult result = gcs.call(what, new GcsCompareAndSet(name, keyBytes, currentBytes,
          GcsValueCodec.encode(next)), GcsCasResult.class);
      if (result.outcome() == CasOutcome.SET) {
        return next;
      }
      if (result.outcome() == CasOutcome.ABSENT) {
        return null;
      }
      currentBytes = result.current();
      // two processes that keep colliding draw apart
      gcs.time().park(ThreadLocalRandom.current().nextLong(BACKOFF_STEP_NANOS * attempt) + 1);
    }
    throw new HostCallException(what + " lost the compare-and-set to other writers "
        + MAX_UPDATE_ATTEMPTS + " times in a row");
  }

  @Override
  public V remove(K key) {
    String what = what("remove", key);
    return value(gcs.call(what, new GcsRemove(name, encode(key)), GcsValue.class), what);
  }

  @Override
  public Set<K> keys() {
    String what = "GCS " + name.label() + ".keys";
    Set<?> keys = read(gcs.call(what, new GcsKeys(name), GcsValue.class).value(), Set.class,
        "the answer of " + what);
    Set<K> typed = new HashSet<>();
    for (Object k : keys == null ? Set.of() : keys) {
      typed.add(checked(k, keyType, "a key of " + what));
    }
    return typed;
  }

  @Override
  public Map<K, V> snapshot() {
    String what = "GCS " + name.label() + ".snapshot";
    Map<?, ?> entries = read(gcs.call(what, new GcsSnapshot(name), GcsValue.class).value(),
        Map.class, "the answer of " + what);
    Map<K, V> typed = new HashMap<>();
    for (Map.Entry<?, ?> e : entries == null ? Map.of().entrySet() : entries.entrySet()) {
      typed.put(checked(e.getKey(), keyType, "a key of " + what),
          checked(e.getValue(), valueType, "a value of " + what));
    }
    return typed;
  }

  /**
   * Subscribes at the host; the listener runs on the process's listener thread, in the order the
   * host saw the changes. A change whose key or value cannot be read is logged and skipped.
   */
  @Override
  public AutoCloseable listen(TableListener<K, V> listener) {
    Objects.requireNonNull(listener, "listener");
    return gcs.subscribe(name, change -> onChange(change, listener));
  }

  private void onChange(GcsChanged change, TableListener<K, V> listener) {
    K key;
    V value;
    try {
      key = GcsValueCodec.decode(change.key(), keyType, "a changed key of " + name.label());
      value = GcsValueCodec.decode(change.value(), valueType, "a changed value of " + name.label());
    } catch (IllegalArgumentException e) {
      LOG.warn("skipped a change of GCS table {} the host pushed: {}", name.label(),
          e.getMessage());
      return;
    }
    if (key == null) {
      LOG.warn("skipped a change of GCS table {} the host pushed without a key", name.label());
      return;
    }
    listener.changed(key, value);
  }

  private V value(GcsValue reply, String what) {
    return read(reply.value(), valueType, "the value of " + what);
  }

  /** What the host sent, decoded; {@link HostCallException} if it cannot be read. */
  private static <T> T read(byte[] bytes, Class<T> type, String what) {
    try {
      return GcsValueCodec.decode(bytes, type, what);
    } catch (IllegalArgumentException e) {
      throw new HostCallException(e.getMessage(), e, false);
    }
  }

  private static <T> T checked(Object o, Class<T> type, String what) {
    if (!type.isInstance(o)) {
      throw new HostCallException(what + " is a " + (o == null ? "null" : o.getClass().getName())
          + ", not a " + type.getName());
    }
    return type.cast(o);
  }

  private byte[] encode(K key) {
    return GcsValueCodec.encode(Objects.requireNonNull(key, "key"));
  }

  private String what(String operation, K key) {
    return "GCS " + name.label() + "." + operation + " of " + GcsValueCodec.describe(key);
  }
}
