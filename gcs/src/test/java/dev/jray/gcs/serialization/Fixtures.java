package dev.jray.gcs.serialization;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Value classes shared by the serializer tests. */
final class Fixtures {
  private Fixtures() {}

  static class Animal implements Serializable {
    final String name;

    Animal(String name) {
      this.name = name;
    }

    @Override
    public boolean equals(Object o) {
      return o != null && o.getClass() == getClass() && name.equals(((Animal) o).name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  static final class Dog extends Animal {
    final String breed;

    Dog(String name, String breed) {
      super(name);
      this.breed = breed;
    }

    @Override
    public boolean equals(Object o) {
      return super.equals(o) && breed.equals(((Dog) o).breed);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, breed);
    }
  }

  /** Nested user classes, a superclass-typed field and collections of them. */
  static final class Kennel implements Serializable {
    final Animal resident;
    final List<Animal> visitors = new ArrayList<>();
    final Map<String, Animal> byName = new ConcurrentHashMap<>();

    Kennel(Animal resident, Animal... visitors) {
      this.resident = resident;
      for (Animal a : visitors) {
        this.visitors.add(a);
        byName.put(a.name, a);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Kennel
          && resident.equals(((Kennel) o).resident)
          && visitors.equals(((Kennel) o).visitors)
          && byName.equals(((Kennel) o).byName);
    }

    @Override
    public int hashCode() {
      return resident.hashCode();
    }
  }

  static final class Node implements Serializable {
    final String name;
    Node next;

    Node(String name) {
      this.name = name;
    }
  }

  static final class Holder implements Serializable {
    final Object content;

    Holder(Object content) {
      this.content = content;
    }
  }

  static class NotSerializablePayload {
    int value = 1;
  }

  static final class FinalNotSerializable {}

  /** Java serialization accepts a null field of a non-serializable type. */
  static final class HolderWithNullField implements Serializable {
    FinalNotSerializable unused;
    String text = "kept";
  }

  record Point(int x, int y) {}

  enum Color {
    RED,
    GREEN {
      @Override
      public String toString() {
        return "green";
      }
    }
  }

  /**
   * Canonical per id, like the runtime's ObjectRef: readResolve re-registers the deserialized
   * instance, so it must run on deserialization.
   */
  static final class Token implements Serializable {
    static final Map<String, Token> REGISTRY = new ConcurrentHashMap<>();
    static final AtomicInteger RESOLVED = new AtomicInteger();
    final String id;

    private Token(String id) {
      this.id = id;
    }

    static Token of(String id) {
      return REGISTRY.computeIfAbsent(id, Token::new);
    }

    private Object readResolve() {
      RESOLVED.incrementAndGet();
      return REGISTRY.computeIfAbsent(id, unused -> this);
    }
  }

  /** Written as a {@link ReplacedForm} through writeReplace, read back through its readResolve. */
  static final class Replaced implements Serializable {
    static final AtomicInteger REPLACED = new AtomicInteger();
    final int value;

    Replaced(int value) {
      this.value = value;
    }

    private Object writeReplace() {
      REPLACED.incrementAndGet();
      return new ReplacedForm(value);
    }
  }

  static final class ReplacedForm implements Serializable {
    static final AtomicInteger RESOLVED = new AtomicInteger();
    final int encoded;

    ReplacedForm(int encoded) {
      this.encoded = encoded;
    }

    private Object readResolve() {
      RESOLVED.incrementAndGet();
      return new Replaced(encoded);
    }
  }
}
