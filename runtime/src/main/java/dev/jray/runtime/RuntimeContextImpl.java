package dev.jray.runtime;

import dev.jray.api.BaseActorHandle;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.TaskId;
import dev.jray.api.id.UniqueId;
import dev.jray.api.runtimecontext.ActorInfo;
import dev.jray.api.runtimecontext.ActorState;
import dev.jray.api.runtimecontext.Address;
import dev.jray.api.runtimecontext.NodeInfo;
import dev.jray.api.runtimecontext.RuntimeContext;
import dev.jray.api.runtimeenv.RuntimeEnv;
import dev.jray.gcs.ActorRecord;
import dev.jray.gcs.NodeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
      // no Unix sockets: the store serves copies and the node takes work over TCP (linkPort)
      nodes.add(new NodeInfo(n.nodeId(), n.address(), n.hostname(), n.linkPort(), "", "",
          n.alive(), n.totalResources(), Map.of()));
    }
    return nodes;
  }

  @Override
  public List<ActorInfo> getAllActorInfo() {
    return getAllActorInfo(null, null);
  }

  @Override
  public List<ActorInfo> getAllActorInfo(JobId jobId, ActorState actorState) {
    Map<UniqueId, NodeRecord> nodes = worker.gcs().nodes().snapshot();
    List<ActorInfo> actors = new ArrayList<>();
    for (ActorRecord a : worker.gcs().actors().snapshot().values()) {
      ActorState state = stateOf(a.state());
      if ((jobId == null || jobId.equals(a.jobId())) && (actorState == null || actorState == state)) {
        actors.add(new ActorInfo(a.actorId(), state, a.numRestarts(), addressOf(a, nodes),
            a.name() == null ? "" : a.name()));
      }
    }
    return actors;
  }

  // a switch, not valueOf: a state the GCS gains must be mapped here before this compiles
  private static ActorState stateOf(dev.jray.gcs.ActorState state) {
    return switch (state) {
      case PENDING_CREATION -> ActorState.PENDING_CREATION;
      case ALIVE -> ActorState.ALIVE;
      case RESTARTING -> ActorState.RESTARTING;
      case DEAD -> ActorState.DEAD;
    };
  }

  private static Address addressOf(ActorRecord actor, Map<UniqueId, NodeRecord> nodes) {
    NodeRecord node = actor.nodeId() == null ? null : nodes.get(actor.nodeId());
    if (node == null) {
      return new Address(actor.nodeId() == null ? UniqueId.NIL : actor.nodeId(), "", 0);
    }
    return new Address(node.nodeId(), node.address(), node.linkPort());
  }
}
