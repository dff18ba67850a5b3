package dev.jray.runtime;

import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.concurrencygroup.ConcurrencyGroup;
import dev.jray.api.function.RayFunc;
import dev.jray.api.function.RayFunc5;
import dev.jray.api.function.RayFunc6;
import dev.jray.api.function.RayFuncR;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.parallelactor.ParallelActorContext;
import dev.jray.api.parallelactor.ParallelActorHandle;
import dev.jray.api.parallelactor.ParallelActorInstance;
import dev.jray.api.runtime.RayRuntime;
import dev.jray.task.FunctionDescriptor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Ray's parallel actors on jray's actors: a {@link ParallelActorHost} actor per parallel actor,
 * with a concurrency group of one call at a time per instance. Thread-safe.
 */
public final class ParallelActors implements ParallelActorContext {
  private final RayRuntime runtime;
  private final FunctionResolver functions = new FunctionResolver();

  public ParallelActors(RayRuntime runtime) {
    this.runtime = runtime;
  }

  /** A parallel actor: its host actor and how many instances it holds. Serializable as handles are. */
  record Handle<A>(ActorHandle<ParallelActorHost> host, int parallelism)
      implements ParallelActorHandle<A>, Serializable {

    @Override
    public ParallelActorInstance<A> getInstance(int instanceId) {
      if (instanceId < 0 || instanceId >= parallelism) {
        throw new IllegalArgumentException("instance " + instanceId + " is out of range: the"
            + " parallel actor has " + parallelism + " instances");
      }
      return new ParallelActorInstance<>(this, instanceId);
    }

    @Override
    public int getParallelism() {
      return parallelism;
    }

    @Override
    public ActorHandle<?> getHandle() {
      return host;
    }
  }

  @Override
  public <A> ParallelActorHandle<A> createParallelActorExecutor(int parallelism,
      RayFuncR<A> ctorFunc, Object[] args) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    FunctionDescriptor ctor = functions.describe(ctorFunc);
    List<ConcurrencyGroup> groups = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      groups.add(runtime.createConcurrencyGroup(ParallelActorHost.groupOf(i), 1, List.of()));
    }
    RayFunc5<Integer, String, String, String, Object[], ParallelActorHost> host =
        ParallelActorHost::new;
    ActorHandle<ParallelActorHost> actor = runtime.createActor(host, new Object[] {parallelism,
        ctor.className(), ctor.methodName(), ctor.signature(),
        args == null ? new Object[0] : args},
        new ActorCreationOptions.Builder().setConcurrencyGroups(groups).build());
    return new Handle<>(actor, parallelism);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A, R> ObjectRef<R> submitTask(ParallelActorHandle<A> parallelActorHandle,
      int instanceIndex, RayFunc func, Object[] args) {
    if (!(parallelActorHandle instanceof Handle<A> handle)) {
      throw new IllegalArgumentException("not a parallel actor of this runtime: "
          + parallelActorHandle);
    }
    handle.getInstance(instanceIndex); // checks the index here, not in the actor
    FunctionDescriptor method = functions.describe(func);
    if (method.isConstructor()) {
      throw new IllegalArgumentException(method + " is a constructor, not a method of the actor");
    }
    RayFunc6<ParallelActorHost, Integer, String, String, String, Object[], Object> call =
        ParallelActorHost::call;
    return runtime.callActor(handle.host(), call, new Object[] {instanceIndex,
        method.className(), method.methodName(), method.signature(), args},
        new CallOptions.Builder().setConcurrencyGroupName(ParallelActorHost.groupOf(instanceIndex))
            .build());
  }
}
