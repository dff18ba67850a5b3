package dev.jray.gcs.serialization;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Language;

/**
 * Fory for jray's own messages (the link's and the event bus's), which a peer's bytes may only
 * decode into: class registration is required, and only the message types given and the types
 * their fields hold are registered (record components and fields of jray's classes, followed
 * through arrays and generic collections; JDK types are Fory's own). A payload naming any other
 * class is refused with a {@link SerializationException} before that class is loaded. Fory's
 * depth and size limits stay on. User values never appear here as objects: messages carry them
 * as bytes, decoded later in the job's class loader.
 *
 * <p>Types are registered by name, not by number, so two nodes that register the same types in
 * another order, or more types, still read each other's messages.
 *
 * <p>Threading: thread-safe; the pooled {@link ThreadSafeFory} is built once, on first use.
 */
public final class MessageSerializer implements Serializer {
  /** Messages nest a few levels (a spec's args' values); deeper is hostile. */
  private static final int MAX_DEPTH = 64;

  private final Set<Class<?>> registered;
  private final ClassLoader loader;
  /** Whether Fory generates a serializer per type (fast once compiled) or reflects. */
  private final boolean codegen;
  /** Built once by {@link #fory()}. */
  private volatile ThreadSafeFory fory;

  /**
   * @param messageTypes the types sent as messages, all loaded by the same class loader
   * @throws IllegalArgumentException if a type's field holds an interface or abstract class that
   *     is not sealed (its values' classes cannot be known, so not registered)
   */
  public MessageSerializer(Collection<Class<?>> messageTypes) {
    this(messageTypes, true);
  }

  /**
   * A serializer that never generates code: each type is written by Fory's reflective serializer.
   * For control-plane messages sent on an event loop (the event bus, load records): generating a
   * type's serializer compiles Java source on first use, which took seconds on a loaded machine
   * and stalled the loop that sent it (its node's start, its other connections). For the links of
   * a new JVM that must not pay for compiling (a worker process, an attached driver).
   *
   * @see #MessageSerializer(Collection)
   */
  public static MessageSerializer withoutCodegen(Collection<Class<?>> messageTypes) {
    return new MessageSerializer(messageTypes, false);
  }

  private MessageSerializer(Collection<Class<?>> messageTypes, boolean codegen) {
    this.codegen = codegen;
    if (messageTypes.isEmpty()) {
      throw new IllegalArgumentException("no message types to register");
    }
    Set<Class<?>> all = new TreeSet<>(Comparator.comparing(Class::getName));
    for (Class<?> type : messageTypes) {
      collect(type, all, type);
    }
    this.registered = Set.copyOf(all);
    ClassLoader loader = messageTypes.iterator().next().getClassLoader();
    this.loader = loader != null ? loader : MessageSerializer.class.getClassLoader();
  }

  /**
   * The Fory, built on first use: building one costs a cold JVM ~100 ms, and an embedded node
   * makes several serializers whose messages never leave the JVM.
   */
  private ThreadSafeFory fory() {
    ThreadSafeFory f = fory;
    if (f == null) {
      synchronized (this) {
        f = fory;
        if (f == null) {
          f = build(codegen);
          fory = f;
        }
      }
    }
    return f;
  }

  private ThreadSafeFory build(boolean generate) {
    ThreadSafeFory f = Fory.builder()
        .withLanguage(Language.JAVA)
        .withRefTracking(false) // messages are trees of small values
        .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT)
        .withClassVersionCheck(true)
        .requireClassRegistration(true)
        .withMaxDepth(MAX_DEPTH)
        .withCodegen(generate)
        // a type's first messages are written by reflection while its serializer compiles
        // off the caller's thread: a new JVM's first message waited ~0.5 s for the compiler
        .withAsyncCompilation(generate)
        .withClassLoader(loader)
        .buildThreadSafeFory();
    for (Class<?> type : registered) {
      // by package and binary name, as Fory names an unregistered class
      String pkg = type.getPackageName();
      f.register(type, pkg, type.getName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1));
    }
    return f;
  }

  /** Every class registered: the message types and what their fields hold. */
  public Set<Class<?>> registered() {
    return registered;
  }

  private static void collect(Type type, Set<Class<?>> into, Class<?> message) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        collect(c.getComponentType(), into, message);
      } else if (!c.isPrimitive() && !c.getName().startsWith("java.") && into.add(c)) {
        collectFields(c, into, message);
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), into, message);
      for (Type arg : p.getActualTypeArguments()) {
        collect(arg, into, message);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), into, message);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collect(bound, into, message);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collect(bound, into, message);
      }
    }
  }

  private static void collectFields(Class<?> c, Set<Class<?>> into, Class<?> message) {
    if (c.isEnum()) {
      return;
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      if (!c.isSealed()) {
        throw new IllegalArgumentException("message type " + message.getName() + " holds a "
            + c.getName() + ", which is open: its values' classes cannot be registered");
      }
      for (Class<?> sub : c.getPermittedSubclasses()) {
        collect(sub, into, message);
      }
      return;
    }
    for (Class<?> k = c; k != null && k != Object.class && k != Record.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
          collect(f.getGenericType(), into, message);
        }
      }
    }
  }

  @Override
  public byte[] serialize(Object value) {
    try {
      return fory().serialize(value);
    } catch (RuntimeException e) {
      throw SerializationException.wrap("cannot serialize message of class "
          + (value == null ? "null" : value.getClass().getName()), e);
    }
  }

  /** Decodes with the message types' loader: {@code loader} is not used. */
  @Override
  public Object deserialize(byte[] bytes, ClassLoader loader) {
    try {
      return fory().deserialize(bytes);
    } catch (RuntimeException e) {
      throw refused(e);
    }
  }

  /** Decodes with the message types' loader: {@code loader} is not used. */
  @Override
  public Object deserialize(ByteBuffer buffer, ClassLoader loader) {
    try {
      return fory().deserialize(buffer);
    } catch (RuntimeException e) {
      throw refused(e);
    }
  }

  private static SerializationException refused(RuntimeException e) {
    return SerializationException.wrap("refused a message: it is not one of jray's message types"
        + " or is malformed", e);
  }

  @Override
  public String name() {
    return "fory-messages";
  }
}
