package dev.jray.client.server;

import dev.jray.api.ActorHandle;
import dev.jray.api.BaseActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.WaitResult;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.exception.RayException;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.PlacementGroupCreationOptions;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.api.runtimecontext.ActorState;
import dev.jray.client.ClientProtocol;
import dev.jray.client.ClientProtocol.Reader;
import dev.jray.client.ClientRequests;
import dev.jray.client.RemoteErrors;
import dev.jray.client.WireObjects;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.runtime.ObjectRefReplacement;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A session driver's side of the Ray Client: runs its client's requests on the driver's own
 * runtime, in the order they came ({@link #onFrame}), keeping the refs and actor handles the
 * client numbered, and answers each with a frame ({@code reply}). Gets, waits and waits for a
 * group run beside, on threads of their own, so that a slow get holds back no submission.
 *
 * <p>Threading: {@link #onFrame} on one thread at a time, in order (the backend stream's); the
 * tables are concurrent maps; replies are sent from any thread.
 */
final class SessionRequests implements WireObjects.Resolver {
  private final RayRuntime runtime;
  private final Serializer wire;
  private final ClassLoader loader;
  private final Consumer<Buffer> reply;
  private final Map<Long, ObjectRef<?>> refs = new ConcurrentHashMap<>();
  /** The handles whose creation failed, and why: their uses fail the same way. */
  private final Map<Long, RuntimeException> failed = new ConcurrentHashMap<>();
  private final Map<Long, ActorHandle<?>> actors = new ConcurrentHashMap<>();
  /** The last handle this driver gave a ref inside a value it sent. */
  private final AtomicLong driverHandles = new AtomicLong();
  private final ExecutorService waits = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "jray-client-wait");
    t.setDaemon(true);
    return t;
  });

  SessionRequests(RayRuntime runtime, Serializer wire, ClassLoader loader,
      Consumer<Buffer> reply) {
    this.runtime = runtime;
    this.wire = wire;
    this.loader = loader;
    this.reply = reply;
  }

  /** Runs one request of the client's. */
  void onFrame(Reader f) {
    byte op = f.op();
    switch (op) {
      case ClientProtocol.PUT -> {
        long handle = f.longValue();
        ClientRequests.Put put = (ClientRequests.Put) read(f.bytes());
        created(handle, () -> put.owner() == null ? runtime.put(put.value())
            : runtime.put(put.value(), put.owner()));
      }
      case ClientProtocol.CALL -> {
        long handle = f.longValue();
        byte[] body = f.bytes();
        created(handle, () -> {
          ClientRequests.Call c = (ClientRequests.Call) read(body);
          Object[] args = c.args() == null ? new Object[0] : c.args();
          return c.actor() == null ? runtime.call(c.func(), args, c.options())
              : runtime.callActor(c.actor(), c.func(), args, c.options());
        });
      }
      case ClientProtocol.CREATE_ACTOR -> {
        long handle = f.longValue();
        byte[] body = f.bytes();
        try {
          ClientRequests.Creation c = (ClientRequests.Creation) read(body);
          ActorHandle<?> actor = runtime.createActor(c.factory(),
              c.args() == null ? new Object[0] : c.args(), c.options());
          actors.put(handle, actor);
          answer(ClientProtocol.ACTOR_ID, handle, true, actor.getId().getBytes());
        } catch (RuntimeException e) {
          failed.put(handle, e);
          answer(ClientProtocol.ACTOR_ID, handle, false, RemoteErrors.write(e));
        }
      }
      case ClientProtocol.GET -> {
        long request = f.longValue();
        long timeoutMs = f.longValue();
        long[] handles = f.longs();
        List<ObjectRef<Object>> wanted = resolved(request, handles);
        if (wanted != null) { // (resolved here, in order: a RELEASE after it must not win)
          beside(request, () -> forClient(new ArrayList<>(runtime.get(wanted, timeoutMs))));
        }
      }
      case ClientProtocol.WAIT -> {
        long request = f.longValue();
        int numReturns = f.intValue();
        int timeoutMs = f.intValue();
        boolean fetchLocal = f.bool();
        long[] handles = f.longs();
        List<ObjectRef<Object>> wanted = resolved(request, handles);
        if (wanted != null) {
          beside(request, () -> wire.serialize(readyIndexes(wanted, numReturns, timeoutMs,
              fetchLocal)));
        }
      }
      case ClientProtocol.RELEASE -> {
        long handle = f.longValue();
        refs.remove(handle);
        failed.remove(handle);
      }
      case ClientProtocol.INVOKE -> {
        long request = f.longValue();
        byte[] body = f.bytes();
        ClientRequests.Invocation call;
        try {
          call = (ClientRequests.Invocation) read(body);
        } catch (RuntimeException e) {
          answer(ClientProtocol.REPLY, request, false, RemoteErrors.write(e));
          return;
        }
        if (call.method().startsWith("wait")) {
          beside(request, () -> wire.serialize(invoke(call)));
        } else {
          answerWith(request, () -> wire.serialize(invoke(call)));
        }
      }
      default -> throw new IllegalArgumentException("unknown request " + op
          + " from the Ray Client");
    }
  }

  /** A value's bytes for the client: the refs inside become handles the session keeps. */
  private byte[] forClient(Object value) {
    return ObjectRefReplacement.during(ref -> {
      long handle = driverHandles.decrementAndGet(); // negative: the client's are positive
      refs.put(handle, ref);
      return new WireObjects.DriverRefToken(handle, ref.getId());
    }, () -> wire.serialize(value));
  }

  private int[] readyIndexes(List<ObjectRef<Object>> wanted, int numReturns, int timeoutMs,
      boolean fetchLocal) {
    WaitResult<Object> result = runtime.wait(wanted, numReturns, timeoutMs, fetchLocal);
    Map<ObjectRef<?>, Boolean> ready = new IdentityHashMap<>();
    result.getReady().forEach(r -> ready.put(r, true));
    int[] indexes = new int[result.getReady().size()];
    int n = 0;
    for (int i = 0; i < wanted.size() && n < indexes.length; i++) {
      if (ready.containsKey(wanted.get(i))) {
        indexes[n++] = i;
      }
    }
    return n == indexes.length ? indexes : java.util.Arrays.copyOf(indexes, n);
  }

  /** The driver's methods a client may name in an {@link ClientRequests.Invocation}. */
  private Object invoke(ClientRequests.Invocation call) {
    Object[] a = call.args() == null ? new Object[0] : call.args();
    return switch (call.method()) {
      case "free" -> {
        @SuppressWarnings("unchecked")
        List<ObjectRef<?>> list = (List<ObjectRef<?>>) a[0];
        runtime.free(list, (Boolean) a[1]);
        yield null;
      }
      case "getActor" -> runtime.getActor((String) a[0], (String) a[1])
          .map(h -> ((BaseActorHandle) h).getId()).orElse(null);
      case "killActor" -> {
        runtime.killActor((BaseActorHandle) a[0], (Boolean) a[1]);
        yield null;
      }
      case "createPlacementGroup" -> snapshot(runtime.createPlacementGroup(
          (PlacementGroupCreationOptions) a[0]));
      case "getPlacementGroup" -> snapshot(runtime.getPlacementGroup((PlacementGroupId) a[0]));
      case "getPlacementGroupByName" -> snapshot(runtime.getPlacementGroup((String) a[0],
          (String) a[1]));
      case "getAllPlacementGroups" -> new ArrayList<>(runtime.getAllPlacementGroups().stream()
          .map(SessionRequests::snapshot).toList());
      case "removePlacementGroup" -> {
        runtime.removePlacementGroup((PlacementGroupId) a[0]);
        yield null;
      }
      case "waitPlacementGroupReady" -> runtime.waitPlacementGroupReady((PlacementGroupId) a[0],
          (Integer) a[1]);
      case "groupState" -> {
        PlacementGroup g = runtime.getPlacementGroup((PlacementGroupId) a[0]);
        if (g == null) {
          throw new RayException("placement group " + a[0] + " does not exist");
        }
        yield g.getState();
      }
      case "groupReserved" -> new ArrayList<>(group((PlacementGroupId) a[0])
          .getReservedBundleIndexes());
      case "getAllNodeInfo" -> new ArrayList<>(runtime.getRuntimeContext().getAllNodeInfo());
      case "getAllActorInfo" -> new ArrayList<>(runtime.getRuntimeContext().getAllActorInfo());
      case "getAllActorInfoOf" -> new ArrayList<>(runtime.getRuntimeContext().getAllActorInfo(
          (JobId) a[0], (ActorState) a[1]));
      default -> throw new IllegalArgumentException("the Ray Client asked for an unknown"
          + " method: " + call.method());
    };
  }

  private static ClientRequests.GroupSnapshot snapshot(PlacementGroup g) {
    return g == null ? null : new ClientRequests.GroupSnapshot(g.getId(), g.getName(),
        new ArrayList<>(g.getBundles()), g.getStrategy(), g.getMinBundles(), g.isDetached());
  }

  private Object read(byte[] bytes) {
    WireObjects.Resolver outer = CURRENT.get();
    CURRENT.set(this);
    try {
      return wire.deserialize(bytes, loader);
    } finally {
      CURRENT.set(outer);
    }
  }

  /** Runs a request that makes an object under a client's handle; answers with its id. */
  private void created(long handle, Supplier<ObjectRef<?>> make) {
    try {
      ObjectRef<?> ref = make.get();
      refs.put(handle, ref);
      answer(ClientProtocol.REF_ID, handle, true, ref.getId().getBytes());
    } catch (RuntimeException e) {
      failed.put(handle, e);
      answer(ClientProtocol.REF_ID, handle, false, RemoteErrors.write(e));
    }
  }

  @SuppressWarnings("unchecked")
  private List<ObjectRef<Object>> refsOf(long[] handles) {
    List<ObjectRef<Object>> out = new ArrayList<>(handles.length);
    for (long h : handles) {
      out.add((ObjectRef<Object>) ref(h));
    }
    return out;
  }

  /** The refs of {@code handles}; null, the request answered with the failure, if one is not. */
  private List<ObjectRef<Object>> resolved(long request, long[] handles) {
    try {
      return refsOf(handles);
    } catch (RuntimeException e) {
      answer(ClientProtocol.REPLY, request, false, RemoteErrors.write(e));
      return null;
    }
  }

  /** Runs a request that may block on a thread of its own; answers with its result. */
  private void beside(long request, Supplier<byte[]> work) {
    waits.execute(() -> answerWith(request, work));
  }

  private void answerWith(long request, Supplier<byte[]> work) {
    byte[] body;
    boolean ok;
    try {
      body = work.get();
      ok = true;
    } catch (RuntimeException | Error e) {
      body = RemoteErrors.write(e);
      ok = false;
    }
    answer(ClientProtocol.REPLY, request, ok, body);
  }

  private void answer(byte op, long key, boolean ok, byte[] body) {
    reply.accept(ClientProtocol.appendBytes(Buffer.buffer(body.length + 16).appendByte(op)
        .appendLong(key).appendByte((byte) (ok ? 1 : 0)), body));
  }

  /** Stops the threads of waits in progress (the session ended). */
  void close() {
    waits.shutdownNow();
  }

  // ---- the tokens of the request being read

  @Override
  public ObjectRef<?> ref(long handle) {
    ObjectRef<?> ref = refs.get(handle);
    if (ref != null) {
      return ref;
    }
    RuntimeException why = failed.get(handle);
    if (why != null) {
      throw why;
    }
    throw new IllegalArgumentException("ObjectRef #" + handle + " is not in this session (it was"
        + " released)");
  }

  @Override
  public ActorHandle<?> actor(long handle, ActorId id) {
    if (id != null) {
      return (ActorHandle<?>) runtime.getActorHandle(id);
    }
    ActorHandle<?> actor = actors.get(handle);
    if (actor != null) {
      return actor;
    }
    RuntimeException why = failed.get(handle);
    if (why != null) {
      throw why;
    }
    throw new IllegalArgumentException("actor #" + handle + " is not in this session");
  }

  @Override
  public PlacementGroup group(PlacementGroupId id) {
    PlacementGroup g = runtime.getPlacementGroup(id);
    if (g == null) {
      throw new RayException("placement group " + id + " does not exist");
    }
    return g;
  }

  @Override
  public ConcurrencyGroup concurrencyGroup(String name, int maxConcurrency,
      List<RayFunc> methods) {
    return runtime.createConcurrencyGroup(name, maxConcurrency, methods);
  }
}
