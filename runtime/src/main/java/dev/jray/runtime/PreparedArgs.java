package dev.jray.runtime;

import dev.jray.api.id.ObjectId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskArg;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A call's arguments on the caller's side: values already serialized, ObjectRefs waiting for
 * their values. A value larger than the inline limit is put into the object store first and
 * passed as an ObjectRef, as Ray does: it moves between object stores, never in a task spec on
 * the link, whose frames are bounded. The ids it pins stay alive until the call's result arrives.
 */
final class PreparedArgs {
  /** Arguments whose values are all there already (most calls): no future per call. */
  private static final CompletableFuture<Void> RESOLVED = CompletableFuture.completedFuture(null);
  /** A call without arguments. */
  static final PreparedArgs NONE =
      new PreparedArgs(new Object[0], new CompletableFuture<?>[0], List.of());
  /**
   * Each a serialized value (byte[]), an ObjectRef argument (ObjectRefImpl), or an ObjectRef
   * argument already resolved to its small value (TaskArg).
   */
  private final Object[] items;
  private final CompletableFuture<?>[] refValues;
  private final List<RefId> pins;
  private final CompletableFuture<Void> resolved;

  /**
   * Prepares a call's arguments: values serialized (the refs inside them counted), ObjectRefs
   * located at their owners and pinned until the call's result arrives.
   *
   * @param inlineReady whether an ObjectRef owned here whose small value is ready, holding no
   *     refs, goes in the call as its value, unpinned, as Ray's submitter inlines small resolved
   *     arguments: for actor calls, whose results are never rebuilt from the spec
   */
  static PreparedArgs prepare(Object[] args, ObjectReader reader, ReferenceCounter refs,
      ValueCodec codec, boolean inlineReady) {
    if (args.length == 0) {
      return NONE;
    }
    Object[] items = new Object[args.length];
    List<CompletableFuture<?>> deps = new ArrayList<>();
    List<RefId> pins = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        Object arg = args[i];
        ValueCodec.Encoded encoded = null;
        if (!(arg instanceof ObjectRefImpl<?>)) {
          encoded = codec.encode(arg);
          if (encoded.bytes().length > ValueCodec.INLINE_LIMIT) {
            arg = reader.putEncoded(encoded);
            encoded = null;
          }
        }
        TaskArg ready = inlineReady && arg instanceof ObjectRefImpl<?> r ? readyInline(r) : null;
        if (ready != null) {
          items[i] = ready;
        } else if (arg instanceof ObjectRefImpl<?> ref) {
          items[i] = ref;
          deps.add(reader.locate(ref));
          if (ref.entry() != null) {
            ref.entry().publish(ref); // the pin is counted by id
          }
          RefId pin = new RefId(ref.getId(), ref.ownerAddress());
          refs.count(pin); // until the call's result arrives
          pins.add(pin);
        } else {
          items[i] = encoded.bytes();
          pins.addAll(encoded.contained());
        }
      }
    } catch (RuntimeException e) {
      pins.forEach(refs::uncount);
      throw e;
    }
    return new PreparedArgs(items, deps.toArray(new CompletableFuture<?>[0]), pins);
  }

  /** The argument of {@code ref} as its value, if owned here, ready, small and holding no refs. */
  private static TaskArg readyInline(ObjectRefImpl<?> ref) {
    OwnedObject entry = ref.entry();
    if (entry == null) {
      return null;
    }
    CompletableFuture<ObjectValue> f = entry.value();
    if (!f.isDone() || f.isCompletedExceptionally()) {
      return null;
    }
    ObjectValue v = f.getNow(null);
    return v.isInline() && !v.error() && entry.holdsNoRefs()
        ? TaskArg.byRef(ref.getId(), ref.ownerAddress(), v) : null;
  }

  private PreparedArgs(Object[] items, CompletableFuture<?>[] refValues, List<RefId> pins) {
    this.items = items;
    this.refValues = refValues;
    this.pins = pins;
    this.resolved = allDone(refValues) ? RESOLVED
        : refValues.length == 1 ? refValues[0].handle((v, e) -> null)
        : CompletableFuture.allOf(refValues).handle((v, e) -> null);
  }

  private static boolean allDone(CompletableFuture<?>[] futures) {
    for (CompletableFuture<?> f : futures) {
      if (!f.isDone()) {
        return false;
      }
    }
    return true;
  }

  /** The objects the call pins until its result arrives. */
  List<RefId> pins() {
    return pins;
  }

  /** Completes when every ObjectRef argument has a value (or failed). */
  CompletableFuture<Void> resolved() {
    return resolved;
  }

  /**
   * The arguments as the task receives them.
   *
   * @throws DependencyFailedException if an ObjectRef argument holds an error or is lost
   */
  List<TaskArg> toTaskArgs() {
    if (items.length == 0) {
      return List.of();
    }
    List<TaskArg> args = new ArrayList<>(items.length);
    int dep = 0;
    for (Object item : items) {
      if (item instanceof byte[] bytes) {
        args.add(TaskArg.byValue(bytes));
        continue;
      }
      if (item instanceof TaskArg ready) {
        args.add(ready);
        continue;
      }
      ObjectRefImpl<?> ref = (ObjectRefImpl<?>) item;
      CompletableFuture<?> f = refValues[dep++];
      ObjectValue v;
      try {
        v = (ObjectValue) f.join();
      } catch (RuntimeException e) {
        throw new DependencyFailedException(null, e.getCause() != null ? e.getCause() : e);
      }
      if (v.error()) {
        throw new DependencyFailedException(v, null);
      }
      args.add(TaskArg.byRef(ref.getId(), ref.ownerAddress(), v));
    }
    return args;
  }

  /** An argument's object failed: the call fails with the same error, without running. */
  static final class DependencyFailedException extends RuntimeException {
    private final ObjectValue error;

    DependencyFailedException(ObjectValue error, Throwable cause) {
      super(cause);
      this.error = error;
    }

    /** The dependency's stored error, or null if {@link #getCause()} says why it is missing. */
    ObjectValue error() {
      return error;
    }
  }
}
