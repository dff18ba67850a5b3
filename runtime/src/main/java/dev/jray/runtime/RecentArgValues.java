package dev.jray.runtime;

/**
 * Immutable values of ObjectRef arguments decoded lately, by the identity of their serialized
 * bytes: a caller that passes the same small object to call after call (Ray's usual
 * {@code put} once, pass the ref many times) costs the actor one serializer round, not one per call.
 * Only values of final JDK classes that cannot change and load the same in every class loader
 * are kept.
 *
 * <p>Threading: thread-safe without locks. Each slot holds an immutable pair, published by a
 * plain write: a racing reader sees a whole pair or an older one, and a lost write costs a decode.
 */
final class RecentArgValues {
  private static final int SLOTS = 16;

  private record Decoded(byte[] data, Object value) {}

  private final Decoded[] slots = new Decoded[SLOTS];

  /** The value decoded from exactly this array before, or null. */
  Object get(byte[] data) {
    Decoded d = slots[slot(data)];
    return d != null && d.data == data ? d.value : null;
  }

  /** Keeps {@code value}, decoded from {@code data}, if it is immutable. */
  void remember(byte[] data, Object value) {
    if (ValueCodec.isImmutableJdkValue(value)) {
      slots[slot(data)] = new Decoded(data, value);
    }
  }

  private static int slot(byte[] data) {
    return System.identityHashCode(data) & (SLOTS - 1);
  }
}
