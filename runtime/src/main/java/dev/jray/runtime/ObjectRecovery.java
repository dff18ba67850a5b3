package dev.jray.runtime;

import dev.jray.api.exception.UnreconstructableException;
import dev.jray.api.id.ObjectId;
import dev.jray.api.id.UniqueId;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the objects this worker owns whose only copy was lost with its node, as Ray's object
 * recovery manager (lineage reconstruction): when a node dies, every owned object stored there
 * that still has lineage is made again by running its task once more (another attempt, within
 * its {@code maxRetries}), after the arguments it owns that were lost too are rebuilt the same
 * way; a get that finds a copy gone before the death is noticed starts the same rebuild. An
 * object that cannot be rebuilt (an actor call's result, lineage evicted, retries used up, an
 * argument freed since) fails with an {@link UnreconstructableException} saying why.
 *
 * <p>Threading: thread-safe, never blocks. Node deaths come on the membership thread, lost
 * copies on getters' and link readers' threads; a rebuild whose arguments are being rebuilt
 * goes on on the thread that completes the last of them. The set of dead nodes is guarded by
 * itself; an entry made pending again is changed under its own lock, as the {@link
 * ReferenceCounter} changes it; the rest is the counter's.
 */
final class ObjectRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectRecovery.class);
  /** How many dead nodes are remembered (to rebuild arguments lost with them); the oldest go. */
  private static final int MAX_DEAD_NODES = 1024;

  private final Owners owners;
  private final ReferenceCounter refs;
  private final Lineage lineage;
  private final ValueCodec codec;
  private final TaskManager taskManager;
  /** Gives a task to run again to the local scheduler. */
  private final Consumer<TaskSpec> submit;
  /** Nodes that left the cluster, oldest first; guarded by itself. */
  private final LinkedHashSet<UniqueId> deadNodes = new LinkedHashSet<>();

  /** @param submit gives a task to the local scheduler (never blocks) */
  ObjectRecovery(Owners owners, ReferenceCounter refs, Lineage lineage, ValueCodec codec,
      TaskManager taskManager, Consumer<TaskSpec> submit) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.lineage = Objects.requireNonNull(lineage, "lineage");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.submit = Objects.requireNonNull(submit, "submit");
  }

  /** A node left the cluster: the objects owned here whose copy it held are rebuilt. */
  void onNodeDied(UniqueId node) {
    synchronized (deadNodes) {
      deadNodes.add(node);
      if (deadNodes.size() > MAX_DEAD_NODES) {
        Iterator<UniqueId> oldest = deadNodes.iterator();
        oldest.next();
        oldest.remove();
      }
    }
    for (OwnedObject e : lineage.entries()) {
      if (storedOn(e, node)) {
        recover(e, node);
      }
    }
  }

  /**
   * The copy on {@code node} of an object owned here cannot be had: rebuilds it if its lineage
   * allows, else fails it saying why.
   *
   * @return the object's value future now (pending while it is rebuilt); null if it was freed
   */
  CompletableFuture<ObjectValue> recover(OwnedObject e, UniqueId node) {
    ObjectId id = e.id();
    Lost lost = markLost(e, node,
        reason -> codec.errorValue(new UnreconstructableException(id, reason)));
    if (lost == null) {
      return null;
    }
    if (lost.rerun() != null) {
      rerun(e, lost.rerun(), node);
    }
    return lost.value();
  }

  /** {@link #recover} by id, for a borrower that could not fetch the copy; null if not owned here. */
  CompletableFuture<ObjectValue> recover(ObjectId id, UniqueId node) {
    OwnedObject e = refs.entry(id);
    return e == null ? null : recover(e, node);
  }

  /**
   * Runs the task that made {@code e} again once its arguments have values: those owned here and
   * lost too are rebuilt first. Its arguments stay pinned until the rebuilt result comes.
   */
  private void rerun(OwnedObject e, TaskSpec spec, UniqueId lostNode) {
    List<RefId> pins = new ArrayList<>();
    List<CompletableFuture<ObjectValue>> argValues = new ArrayList<>(spec.args().size());
    String missing = null;
    for (TaskArg arg : spec.args()) {
      if (arg.objectId() == null || arg.value().isInline() || !owners.isSelf(arg.owner())) {
        argValues.add(CompletableFuture.completedFuture(arg.value())); // as the task had it
      } else {
        OwnedObject argEntry = refs.entry(arg.objectId());
        CompletableFuture<ObjectValue> value = argEntry == null ? null : argEntry.value();
        UniqueId argLostOn = argEntry == null ? null : deadNodeHolding(argEntry, lostNode);
        if (argLostOn != null) {
          value = recover(argEntry, argLostOn);
        }
        if (value == null) {
          missing = "its argument " + arg.objectId() + " was freed after the task ran, and its"
              + " copy went with it";
          break;
        }
        argValues.add(value);
      }
      if (arg.objectId() != null) {
        RefId pin = new RefId(arg.objectId(), arg.owner());
        refs.count(pin);
        pins.add(pin);
      }
    }
    onRebuilt(e, () -> pins.forEach(refs::uncount));
    if (missing != null) {
      fail(spec, lostNode, missing);
      return;
    }
    CompletableFuture.allOf(argValues.toArray(new CompletableFuture<?>[0]))
        .whenComplete((ignored, error) -> submitWith(spec, argValues, lostNode));
  }

  /** The node that left holding an argument's value (the one just lost, or one before); null if none. */
  private UniqueId deadNodeHolding(OwnedObject argEntry, UniqueId lostNode) {
    if (storedOn(argEntry, lostNode)) {
      return lostNode;
    }
    synchronized (deadNodes) {
      for (UniqueId dead : deadNodes) {
        if (storedOn(argEntry, dead)) {
          return dead;
        }
      }
    }
    return null;
  }

  /** Whether an owned object's value is known and stored on {@code node}. */
  private static boolean storedOn(OwnedObject e, UniqueId node) {
    CompletableFuture<ObjectValue> f = e.value();
    if (!f.isDone() || f.isCompletedExceptionally()) {
      return false;
    }
    ObjectValue v = f.join();
    return !v.isInline() && node.equals(v.storeNode());
  }

  private void submitWith(TaskSpec spec, List<CompletableFuture<ObjectValue>> argValues,
      UniqueId lostNode) {
    List<TaskArg> args = new ArrayList<>(argValues.size());
    for (int i = 0; i < argValues.size(); i++) {
      TaskArg arg = spec.args().get(i);
      CompletableFuture<ObjectValue> f = argValues.get(i);
      ObjectValue v = f.isCompletedExceptionally() ? null : f.join();
      if (v == null || v.error()) {
        fail(spec, lostNode, "its argument " + arg.objectId() + " could not be rebuilt");
        return;
      }
      args.add(arg.objectId() == null ? arg : TaskArg.byRef(arg.objectId(), arg.owner(), v));
    }
    TaskSpec again = spec.rerun(args);
    LOG.info("object " + spec.returnId() + " was lost with node " + lostNode + ": running "
        + again + " again to rebuild it (attempt " + (again.attempt() + 1) + ")");
    taskManager.addPending(again);
    submit.accept(again);
  }

  private void fail(TaskSpec spec, UniqueId lostNode, String why) {
    taskManager.failCall(spec.returnId(), new UnreconstructableException(spec.returnId(),
        "its copy was lost with node " + lostNode + ", and " + why));
  }

  /** What {@link #markLost} made of an object whose copy was lost. */
  record Lost(CompletableFuture<ObjectValue> value, TaskSpec rerun) {}

  /**
   * The copy of an object owned here on {@code node} cannot be had (the node died, or a fetch
   * from it failed). If the object still points there, it becomes pending again: with the spec to
   * run once more when its lineage allows (the object is then reachable by id until its result
   * comes), else completed by {@code failure} applied to why it cannot be rebuilt. An object
   * that points elsewhere (rebuilt already, or being rebuilt) is left as it is.
   *
   * @return the object's value future now, and the spec to run again (null if none); null if
   *     the object was freed
   */
  private Lost markLost(OwnedObject e, UniqueId node, Function<String, ObjectValue> failure) {
    CompletableFuture<ObjectValue> fresh = new CompletableFuture<>();
    TaskSpec rerun = null;
    String reason = null;
    boolean forget = false;
    synchronized (e) {
      if (e.freed) {
        return null;
      }
      CompletableFuture<ObjectValue> now = e.value;
      ObjectValue v = now.isDone() && !now.isCompletedExceptionally() ? now.join() : null;
      if (v == null || v.isInline() || v.error() || !node.equals(v.storeNode())) {
        return new Lost(now, null);
      }
      reason = Lineage.whyNotRerun(e.lineage);
      if (reason == null) {
        rerun = (TaskSpec) e.lineage; // kept as the lineage until the rebuilt value replaces it
        if (!e.inMap) {
          e.inMap = true; // its result comes by id
          refs.keepReachable(e);
        }
      } else if (e.lineage instanceof TaskSpec) {
        forget = true; // its retries are used up
        e.lineage = null;
      }
      e.value = fresh;
    }
    if (forget) {
      lineage.forget(e);
    }
    if (reason != null) {
      fresh.complete(failure.apply("its copy was lost with node " + node + ", and " + reason));
    }
    return new Lost(fresh, rerun);
  }

  /**
   * Runs {@code onResult} when the rebuilt value of {@code e} arrives (or at once if it came
   * already): gives back the pins of the task run again.
   */
  private void onRebuilt(OwnedObject e, Runnable onResult) {
    synchronized (e) {
      if (!e.value.isDone()) {
        e.onResult = onResult;
        return;
      }
    }
    onResult.run();
  }

}
