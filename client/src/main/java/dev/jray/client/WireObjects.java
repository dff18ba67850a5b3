package dev.jray.client;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.placementgroup.PlacementGroup;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What a client's values and options hold in place of the cluster's objects: its refs, actor
 * handles, placement groups and concurrency groups cross as these tokens, which the session
 * driver turns back into its own objects while it reads a request ({@link Resolver#CURRENT}).
 * Classes, not records: FST cannot create records.
 */
public final class WireObjects {
  private WireObjects() {}

  /**
   * The session driver's side: what the tokens of the request being read stand for.
   *
   * <p>Threading: set for the reading thread only, around each request it reads.
   */
  public interface Resolver {
    ThreadLocal<Resolver> CURRENT = new ThreadLocal<>();

    ObjectRef<?> ref(long handle);

    ActorHandle<?> actor(long handle, ActorId id);

    PlacementGroup group(PlacementGroupId id);

    ConcurrencyGroup concurrencyGroup(String name, int maxConcurrency, List<RayFunc> methods);

    static Resolver current() {
      Resolver r = CURRENT.get();
      if (r == null) {
        throw new IllegalStateException("a Ray Client token read outside a session driver");
      }
      return r;
    }
  }

  /** A client's ObjectRef: the handle it numbered it by. */
  static final class RefToken implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final long handle;

    RefToken(long handle) {
      this.handle = handle;
    }

    @Serial
    private Object readResolve() {
      return Resolver.current().ref(handle);
    }
  }

  /** A ref inside a value the driver sends its client: a handle the driver numbered (negative). */
  public static final class DriverRefToken implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final long handle;
    private final ObjectId id;

    public DriverRefToken(long handle, ObjectId id) {
      this.handle = handle;
      this.id = Objects.requireNonNull(id, "id");
    }

    @Serial
    private Object readResolve() {
      return ClientRuntime.decodedRef(handle, id);
    }
  }

  /** A client's actor handle: its id when the client knows it, else the handle it numbered. */
  static final class ActorToken implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final long handle;
    private final ActorId id;

    ActorToken(long handle, ActorId id) {
      this.handle = handle;
      this.id = id;
    }

    @Serial
    private Object readResolve() {
      return Resolver.current().actor(handle, id);
    }
  }

  /** A client's placement group: its id. */
  static final class GroupToken implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final PlacementGroupId id;

    GroupToken(PlacementGroupId id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    @Serial
    private Object readResolve() {
      return Resolver.current().group(id);
    }
  }

  /** A concurrency group the client declared; the driver makes its own of it. */
  static final class ConcurrencyGroupSpec implements ConcurrencyGroup, Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final String name;
    private final int maxConcurrency;
    private final List<RayFunc> methods;

    ConcurrencyGroupSpec(String name, int maxConcurrency, List<RayFunc> methods) {
      this.name = name;
      this.maxConcurrency = maxConcurrency;
      this.methods = List.copyOf(methods);
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public int getMaxConcurrency() {
      return maxConcurrency;
    }

    @Serial
    private Object readResolve() {
      return Resolver.current().concurrencyGroup(name, maxConcurrency, methods);
    }
  }
}
