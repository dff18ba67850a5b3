package dev.jray.attach;

import dev.jray.api.id.BaseId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.ActorState;
import dev.jray.gcs.JobRecord;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.PlacementGroupRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The GCS's keys and values as bytes on the link: Java serialization, as Hazelcast ships them
 * between members, read back under an allow-list that mirrors the members' ({@code
 * dev.jray.gcs.cluster.GcsSerializationFilter}, which is Hazelcast's and package-private): jray's
 * GCS records, the enums they hold, the ids, and {@code java.lang}/{@code java.util} values and
 * arrays; never {@code java.lang.invoke} or {@code java.lang.reflect} (a serialized lambda's
 * {@code readResolve} calls into the class that made it), nor a proxy. A class outside it is
 * refused by name before it is loaded, and the stream's depth, references and array lengths are
 * bounded.
 * Keep the two lists in step when the GCS holds a new type.
 *
 * <p>Also the one place that says when two GCS values are equal ({@link #sameValue}): records by
 * their components, arrays by content, so a record holding a {@code byte[]} compares as it reads.
 *
 * <p>Stateless; thread-safe.
 */
final class GcsValueCodec {
  /** Values nest a few levels (a snapshot, a record, its lists of maps): deeper is hostile. */
  static final int MAX_DEPTH = 32;
  /** Objects and handles one value may hold: a snapshot of a big table, well within a frame. */
  static final long MAX_REFERENCES = 1L << 20;
  /** The longest array: a KV value is bounded by the link's frame (8 MiB by default) anyway. */
  static final long MAX_ARRAY_LENGTH = 64L << 20;

  private static final Set<String> ALLOWED_CLASSES = Set.of(ActorRecord.class.getName(),
      ActorState.class.getName(), JobRecord.class.getName(), NodeRecord.class.getName(),
      PlacementGroupRecord.class.getName(), PlacementGroupState.class.getName(),
      PlacementStrategy.class.getName());
  private static final String ALLOWED_ID_PACKAGE = BaseId.class.getPackageName();

  private GcsValueCodec() {}

  /**
   * The bytes of a key or value; null for null.
   *
   * @throws IllegalArgumentException if it cannot be serialized (it is not {@code Serializable})
   */
  static byte[] encode(Object value) {
    if (value == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialize a " + value.getClass().getName()
          + " for the GCS: " + e, e);
    }
    return bytes.toByteArray();
  }

  /**
   * A key or value read back from {@link #encode}'s bytes; null for null.
   *
   * @param expected the type it must have
   * @param what what it is, for the error ("the value of actors.get")
   * @throws IllegalArgumentException naming {@code what} and the class refused, or the bound
   *     passed, if the bytes are not an allowed GCS value of type {@code expected}
   */
  static <T> T decode(byte[] bytes, Class<T> expected, String what) {
    if (bytes == null) {
      return null;
    }
    Object value = decodeAny(bytes, what);
    if (value != null && !expected.isInstance(value)) {
      throw new IllegalArgumentException(what + " is a " + value.getClass().getName() + ", not a "
          + expected.getName());
    }
    return expected.cast(value); // null too: bytes of a null are no value
  }

  /** As {@link #decode}, of any allowed type. */
  static Object decodeAny(byte[] bytes, String what) {
    if (bytes == null) {
      return null;
    }
    Refusal refusal = new Refusal();
    try (ObjectInputStream in = new FilteredInput(bytes, refusal)) {
      return in.readObject();
    } catch (InvalidClassException e) {
      throw new IllegalArgumentException(what + " was refused: " + (refusal.reason != null
          ? refusal.reason : e.getMessage()), e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new IllegalArgumentException(what + " cannot be read: " + e, e);
    }
  }

  /**
   * Whether the class of binary name {@code name} ({@link Class#getName}) is one the GCS may hold;
   * for an array, whether its element class is.
   */
  static boolean allowed(String name) {
    String element = name;
    if (element.startsWith("[")) {
      element = element.substring(element.lastIndexOf('[') + 1);
      if (!element.startsWith("L")) {
        return element.length() == 1; // an array of primitives
      }
      if (!element.endsWith(";")) {
        return false;
      }
      element = element.substring(1, element.length() - 1);
    }
    if (element.startsWith("java.lang.invoke.") || element.startsWith("java.lang.reflect.")) {
      return false;
    }
    int dot = element.lastIndexOf('.');
    String pkg = dot < 0 ? "" : element.substring(0, dot);
    return ALLOWED_CLASSES.contains(element) || pkg.equals(ALLOWED_ID_PACKAGE)
        || element.startsWith("java.lang.") || element.startsWith("java.util.");
  }

  /**
   * Whether two GCS values are equal: records component by component, arrays by content, lists and
   * maps element by element (at any depth), else {@code equals}. A record's own {@code equals} compares a {@code byte[]} component
   * by reference, so two reads of one {@link ActorRecord} with a death error would differ.
   */
  static boolean sameValue(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    // lists and maps compare by content whatever their classes, as their own equals does
    boolean collections = a instanceof List<?> && b instanceof List<?>
        || a instanceof Map<?, ?> && b instanceof Map<?, ?>;
    if (!collections && a.getClass() != b.getClass()) {
      return false;
    }
    if (a.getClass().isArray()) {
      if (a instanceof Object[] x) {
        Object[] y = (Object[]) b;
        if (x.length != y.length) {
          return false;
        }
        for (int i = 0; i < x.length; i++) {
          if (!sameValue(x[i], y[i])) {
            return false;
          }
        }
        return true;
      }
      return Objects.deepEquals(a, b); // an array of primitives
    }
    if (a instanceof List<?> x) {
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValue(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x) {
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !sameValue(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Record) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        try {
          if (!sameValue(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
            return false;
          }
        } catch (IllegalAccessException | InvocationTargetException e) {
          return a.equals(b); // an accessor out of reach: the record's own equality
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** A readable name for a key in a message: its string form, cut short. */
  static String describe(Object key) {
    String s = key instanceof byte[] b ? Arrays.toString(b) : String.valueOf(key);
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /** A stream that refuses a class by its name before loading it, and every proxy. */
  private static final class FilteredInput extends ObjectInputStream {
    private final Refusal refusal;

    FilteredInput(byte[] bytes, Refusal refusal) throws IOException {
      super(new ByteArrayInputStream(bytes));
      this.refusal = refusal;
      setObjectInputFilter(refusal);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (!allowed(desc.getName())) {
        refusal.refuse(Refusal.notHeld(desc.getName()));
        throw new InvalidClassException(desc.getName(), "not a class the GCS holds");
      }
      return super.resolveClass(desc);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws InvalidClassException {
      refusal.refuse("a proxy of " + Arrays.toString(interfaces) + " is not a GCS value");
      throw new InvalidClassException("a proxy is not a GCS value");
    }
  }

  /** The filter of one stream; remembers why it refused, which the JDK's exception does not say. */
  private static final class Refusal implements ObjectInputFilter {
    /** Written and read by the thread that reads the stream. */
    private String reason;

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > MAX_DEPTH) {
        return refuse("it nests deeper than " + MAX_DEPTH + " levels");
      }
      if (info.references() > MAX_REFERENCES) {
        return refuse("it holds more than " + MAX_REFERENCES + " objects");
      }
      if (info.arrayLength() > MAX_ARRAY_LENGTH) {
        return refuse("it holds an array of " + info.arrayLength() + " elements (at most "
            + MAX_ARRAY_LENGTH + ")");
      }
      Class<?> c = info.serialClass();
      if (c != null && !allowed(c.getName())) {
        return refuse(notHeld(c.getName()));
      }
      return Status.ALLOWED;
    }

    private static String notHeld(String name) {
      String element = name.startsWith("[L") && name.endsWith(";")
          ? name.substring(name.lastIndexOf('[') + 2, name.length() - 1) : name;
      return "class " + element + " is not one the GCS holds (only jray's GCS records and ids and"
          + " java.lang/java.util values travel)";
    }

    private Status refuse(String why) {
      if (reason == null) {
        reason = why;
      }
      return Status.REJECTED;
    }
  }
}
