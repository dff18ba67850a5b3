package dev.jray.client;

import dev.jray.api.BaseActorHandle;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtimecontext.ActorInfo;
import dev.jray.api.runtimecontext.ActorState;
import dev.jray.api.runtimecontext.NodeInfo;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.runtime.RuntimeEnvs;
import java.util.List;

/**
 * A Ray Client's runtime context: its session driver's job, namespace and node; what the cluster
 * holds (nodes, actors) is asked of the driver. Immutable but for those questions; thread-safe.
 */
final class ClientRuntimeContext implements RuntimeContext {
  private final ClientRuntime runtime;
  private final JobId job;
  private final String namespace;
  private final UniqueId node;

  ClientRuntimeContext(ClientRuntime runtime, Handshake.Ready session) {
    this.runtime = runtime;
    this.job = JobId.fromHexString(session.jobId());
    this.namespace = session.namespace();
    this.node = UniqueId.fromHexString(session.nodeId());
  }

  @Override
  public JobId getCurrentJobId() {
    return job;
  }

  @Override
  public TaskId getCurrentTaskId() {
    return TaskId.NIL; // the driver's own calls run in no task
  }

  @Override
  public ActorId getCurrentActorId() {
    throw new IllegalStateException("getCurrentActorId: a Ray Client is a driver, not an actor");
  }

  @Override
  public UniqueId getCurrentNodeId() {
    return node;
  }

  @Override
  public boolean wasCurrentActorRestarted() {
    return false;
  }

  @Override
  public String getNamespace() {
    return namespace;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<NodeInfo> getAllNodeInfo() {
    return (List<NodeInfo>) runtime.invoke("getAllNodeInfo");
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ActorInfo> getAllActorInfo() {
    return (List<ActorInfo>) runtime.invoke("getAllActorInfo");
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ActorInfo> getAllActorInfo(JobId jobId, ActorState actorState) {
    return (List<ActorInfo>) runtime.invoke("getAllActorInfoOf", jobId, actorState);
  }

  @Override
  public <T extends BaseActorHandle> T getCurrentActorHandle() {
    throw new IllegalStateException("getCurrentActorHandle: a Ray Client is a driver, not an"
        + " actor");
  }

  @Override
  public boolean isLocalMode() {
    return false;
  }

  @Override
  public List<Long> getGpuIds() {
    return List.of();
  }

  @Override
  public RuntimeEnv getCurrentRuntimeEnv() {
    return RuntimeEnvs.create();
  }
}
