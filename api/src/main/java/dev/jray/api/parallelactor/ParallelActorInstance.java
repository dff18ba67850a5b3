package dev.jray.api.parallelactor;

/** One instance of a parallel actor; {@code task(A::method, args...)} calls it. */
public class ParallelActorInstance<A> implements ParallelActorCall<A> {
  private final ParallelActorHandle<A> parallelActorHandle;
  private final int instanceId;

  public ParallelActorInstance(ParallelActorHandle<A> parallelActorHandle, int instanceId) {
    this.parallelActorHandle = parallelActorHandle;
    this.instanceId = instanceId;
  }

  ParallelActorHandle<A> getActor() {
    return parallelActorHandle;
  }

  int getInstanceId() {
    return instanceId;
  }
}
