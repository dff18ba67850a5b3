package dev.jray.api.runtimecontext;

import dev.jray.api.BaseActorHandle;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtimeenv.RuntimeEnv;
import java.util.List;

/** Where the calling code runs: its job, task, actor and node. */
public interface RuntimeContext {

  JobId getCurrentJobId();

  /** The running task's id; in a driver, the driver's own task id. */
  TaskId getCurrentTaskId();

  /** The actor whose method is running, or {@link ActorId#NIL} outside an actor. */
  ActorId getCurrentActorId();

  UniqueId getCurrentNodeId();

  /** True if the current actor was restarted after a failure. */
  boolean wasCurrentActorRestarted();

  String getNamespace();

  List<NodeInfo> getAllNodeInfo();

  /** Every actor the GCS holds a record of (dead ones until their records are pruned). */
  List<ActorInfo> getAllActorInfo();

  /**
   * The actors of {@code jobId} in {@code actorState}, as Ray's.
   *
   * @param jobId null: of every job
   * @param actorState null: in any state
   */
  List<ActorInfo> getAllActorInfo(JobId jobId, ActorState actorState);

  /**
   * A handle to the actor whose method is running, Ray's way for an actor to pass itself on.
   *
   * @throws IllegalStateException outside an actor
   */
  <T extends BaseActorHandle> T getCurrentActorHandle();

  /**
   * Ray's single-process local mode, which jray does not have: an embedded cluster is a real
   * one-node cluster. Always false.
   */
  boolean isLocalMode();

  /**
   * The ids of the GPUs the running task or actor holds (0 to the node's GPU count - 1): n whole
   * ones for n >= 1 GPUs asked for, a share of one for a fraction; empty if it asked for none,
   * and in a driver. jray runs work in the node's JVM, so it sets no {@code
   * CUDA_VISIBLE_DEVICES}: code picks its devices by these ids.
   */
  List<Long> getGpuIds();

  /**
   * The runtime env the running task or actor was given ({@code setRuntimeEnv}); an empty one
   * if none, and in a driver.
   */
  RuntimeEnv getCurrentRuntimeEnv();
}
