package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import dev.jray.task.ObjectValue;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with the messages other nodes send it over their links: tasks for its
 * scheduler, calls and kills for the actors it hosts, frees of the results it holds for their
 * owners (and, as an owner, frees borrowers ask for), and, as an owner, task results, borrows, task locations and object requests (with a
 * rebuild first when the asker found the copy lost).
 *
 * <p>Threading: called on a link's reader thread; never blocks; keeps no state.
 */
final class WorkerInbox implements LinkInbox {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerInbox.class);

  private final TaskExecutor tasks;
  private final TaskManager taskManager;
  private final ReferenceCounter refs;
  private final ObjectCopies copies;
  private final HostedActors hosted;
  private final ObjectRecovery recovery;
  private final ExplicitFree explicitFree;
  private final Consumer<UniqueId> linkLost;
  /** In a worker process: whether it may end now (it holds no objects). */
  private final BooleanSupplier mayRetire;
  /** Takes what a node and its worker processes send each other. */
  private final BiConsumer<UniqueId, Object> processMessages;

  /** @param linkLost told that a link to or from a node broke; never blocks */
  WorkerInbox(TaskExecutor tasks, TaskManager taskManager, ReferenceCounter refs,
      ObjectCopies copies, HostedActors hosted, ObjectRecovery recovery, ExplicitFree explicitFree,
      Consumer<UniqueId> linkLost, BiConsumer<UniqueId, Object> processMessages,
      BooleanSupplier mayRetire) {
    this.mayRetire = Objects.requireNonNull(mayRetire, "mayRetire");
    this.processMessages = Objects.requireNonNull(processMessages, "processMessages");
    this.explicitFree = Objects.requireNonNull(explicitFree, "explicitFree");
    this.linkLost = Objects.requireNonNull(linkLost, "linkLost");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.taskManager = Objects.requireNonNull(taskManager, "taskManager");
    this.refs = Objects.requireNonNull(refs, "refs");
    this.copies = Objects.requireNonNull(copies, "copies");
    this.hosted = Objects.requireNonNull(hosted, "hosted");
    this.recovery = Objects.requireNonNull(recovery, "recovery");
  }

  @Override
  public void onMessage(UniqueId from, Object message, NodeLinks.Reply reply) {
    if (message instanceof TaskSpec spec) {
      // actor calls go to the actor; normal tasks and actor creations to the scheduler
      if (spec.kind() == TaskKind.ACTOR_TASK) {
        hosted.acceptCall(spec);
      } else {
        tasks.scheduler().submitAndDispatch(spec);
      }
    } else if (message instanceof TaskResult r) {
      taskManager.onTaskResult(r.returnId(), r.value(), r.contained());
    } else if (message instanceof BorrowChange borrow) {
      refs.onBorrowChange(borrow);
    } else if (message instanceof TaskLocated located) {
      taskManager.onTaskLocated(located.returnId(), located.nodeId());
    } else if (message instanceof FreeObject free) {
      // from a borrower, to its owner (Ray.internal().free); else from the owner, to the primary
      if (!explicitFree.freeIfOwned(free.objectId())) {
        copies.onFreeObject(free.objectId());
      }
    } else if (message instanceof AdoptObject adopt && reply != null) {
      refs.adopt(adopt);
      reply.ok(true);
    } else if (message instanceof WorkerRetire && reply != null) {
      reply.ok(mayRetire.getAsBoolean());
    } else if (message instanceof RunInWorker || message instanceof WorkerTaskDone
        || message instanceof WorkerReady || message instanceof WorkerDied) {
      processMessages.accept(from, message);
    } else if (message instanceof KillActor kill) {
      hosted.acceptKill(kill);
    } else if (message instanceof ObjectRequest req && reply != null) {
      // a borrower that could not fetch the copy has the owner rebuild it first
      CompletableFuture<ObjectValue> f = req.lostOn() == null ? refs.future(req.objectId())
          : recovery.recover(req.objectId(), req.lostOn());
      if (f == null) {
        reply.fail("its owner freed it (no reference was left) or lost it");
      } else {
        f.whenComplete((v, e) -> {
          if (e == null) {
            reply.ok(v);
          } else {
            reply.fail(String.valueOf(e.getMessage()));
          }
        });
      }
    } else {
      LOG.warn("node " + from + " sent an unknown message " + message);
    }
  }

  @Override
  public void onLinkLost(UniqueId node) {
    linkLost.accept(node);
  }
}
