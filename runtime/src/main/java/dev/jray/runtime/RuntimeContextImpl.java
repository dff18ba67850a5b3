package dev.jray.runtime;

import dev.jray.api.BaseActorHandle;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtimecontext.NodeInfo;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.gcs.NodeRecord;
import java.util.ArrayList;
import java.util.List;

/** The runtime context of whatever runs on the calling thread (a task, an actor, the driver). */
final class RuntimeContextImpl implements RuntimeContext {
  private final CoreWorker worker;

  RuntimeContextImpl(CoreWorker worker) {
    this.worker = worker;
  }

  @Override
  public JobId getCurrentJobId() {
    return worker.jobs().context().jobId();
  }

  @Override
  public TaskId getCurrentTaskId() {
    return worker.jobs().context().taskId();
  }

  @Override
  public ActorId getCurrentActorId() {
    return worker.jobs().context().actorId();
  }

  @Override
  public UniqueId getCurrentNodeId() {
    return worker.hostNodeId();
  }

  @Override
  public boolean wasCurrentActorRestarted() {
    return worker.jobs().context().restarted();
  }

  @Override
  public String getNamespace() {
    return worker.jobs().context().namespace();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends BaseActorHandle> T getCurrentActorHandle() {
    ActorId actor = worker.jobs().context().actorId();
    if (actor.isNil()) {
      throw new IllegalStateException("getCurrentActorHandle() is for an actor's methods: no actor"
          + " runs on this thread");
    }
    return (T) new ActorHandleImpl<>(actor, -1);
  }

  @Override
  public boolean isLocalMode() {
    return false;
  }

  @Override
  public List<Long> getGpuIds() {
    return worker.jobs().context().gpuIds();
  }

  @Override
  public RuntimeEnv getCurrentRuntimeEnv() {
    return RuntimeEnvImpl.deserialize(worker.jobs().context().runtimeEnv());
  }

  @Override
  public List<NodeInfo> getAllNodeInfo() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (NodeRecord n : worker.gcs().nodes().snapshot().values()) {
      nodes.add(new NodeInfo(n.nodeId(), n.address(), n.hostname(), n.alive(), n.totalResources()));
    }
    return nodes;
  }
}
