package dev.jray.runtime;

import dev.jray.api.concurrencygroup.annotations.DefConcurrencyGroup;
import dev.jray.api.concurrencygroup.annotations.UseConcurrencyGroup;
import dev.jray.task.ActorSpec;
import dev.jray.task.ConcurrencyGroupSpec;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskSpec;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an actor that may run several calls at once runs each call: its concurrency groups (from
 * {@code setConcurrencyGroups} and the class's {@link DefConcurrencyGroup}s) and the default
 * group of the methods in none, whose limit is the actor's {@code maxConcurrency}. Each group is
 * a {@link Lane}: its queue and how many of its calls run; a call runs in the group its caller
 * picked, else in its method's.
 *
 * <p>Threading: guarded by the lock of the {@link ActorInstance} that owns it.
 */
final class ActorConcurrencyGroups {
  /** One group's calls: queued in arrival order, up to {@link #max} running. */
  static final class Lane {
    final String name;
    final int max;
    final ArrayDeque<TaskSpec> queue = new ArrayDeque<>();
    int active;

    private Lane(String name, int max) {
      this.name = name;
      this.max = max;
    }
  }

  private static final String DEFAULT = "default";

  private final Map<String, Lane> byName;
  /** Lanes by method (name and JVM signature). */
  private final Map<String, Lane> byMethod;
  /** {@link #byMethod} by the descriptors calls carry, filled as calls come. */
  private final Map<FunctionDescriptor, Lane> byFunction = new HashMap<>();
  private final Lane defaultLane;

  private ActorConcurrencyGroups(Map<String, Lane> byName, Map<String, Lane> byMethod,
      Lane defaultLane) {
    this.byName = byName;
    this.byMethod = byMethod;
    this.defaultLane = defaultLane;
  }

  /**
   * The groups of an actor of this class, or null if it runs one call at a time in one group
   * (it needs no lanes then).
   *
   * @throws IllegalArgumentException if a method uses a group that is not declared, or a group's
   *     limit is below 1
   */
  static ActorConcurrencyGroups of(Class<?> actorClass, ActorSpec actor) {
    Map<String, Lane> byName = new LinkedHashMap<>();
    Map<String, Lane> byMethod = new HashMap<>();
    for (DefConcurrencyGroup def : actorClass.getAnnotationsByType(DefConcurrencyGroup.class)) {
      if (def.maxConcurrency() < 1) {
        throw new IllegalArgumentException("@DefConcurrencyGroup '" + def.name() + "' of "
            + actorClass.getName() + ": maxConcurrency must be >= 1, got " + def.maxConcurrency());
      }
      byName.put(def.name(), new Lane(def.name(), def.maxConcurrency()));
    }
    for (ConcurrencyGroupSpec g : actor.concurrencyGroups()) {
      Lane lane = new Lane(g.name(), g.maxConcurrency());
      byName.put(g.name(), lane); // given at creation: overrides the class's of that name
      g.methods().forEach(m -> byMethod.put(m, lane));
    }
    for (Method m : actorClass.getMethods()) {
      UseConcurrencyGroup use = m.getAnnotation(UseConcurrencyGroup.class);
      String key = ConcurrencyGroupSpec.methodKey(m.getName(),
          MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString());
      if (use == null || byMethod.containsKey(key)) {
        continue; // a group given at creation wins over the annotation
      }
      Lane lane = byName.get(use.name());
      if (lane == null) {
        throw new IllegalArgumentException("method " + actorClass.getName() + "." + m.getName()
            + " uses concurrency group '" + use.name() + "', which the actor does not declare"
            + " (its groups: " + byName.keySet() + ")");
      }
      byMethod.put(key, lane);
    }
    if (byName.isEmpty() && actor.maxConcurrency() == 1) {
      return null;
    }
    return new ActorConcurrencyGroups(byName, byMethod, new Lane(DEFAULT, actor.maxConcurrency()));
  }

  /**
   * The lane a call runs in.
   *
   * @throws IllegalArgumentException if its caller picked a group the actor does not have
   */
  Lane laneOf(TaskSpec call) {
    String picked = call.concurrencyGroup();
    if (picked != null) {
      Lane lane = byName.get(picked);
      if (lane == null) {
        throw new IllegalArgumentException("the actor has no concurrency group '" + picked
            + "' (its groups: " + byName.keySet() + ")");
      }
      return lane;
    }
    if (byMethod.isEmpty()) {
      return defaultLane;
    }
    FunctionDescriptor f = call.function();
    Lane lane = byFunction.get(f);
    if (lane == null) {
      lane = byMethod.getOrDefault(ConcurrencyGroupSpec.methodKey(f.methodName(), f.signature()),
          defaultLane);
      byFunction.put(f, lane);
    }
    return lane;
  }

  /** Takes every queued call out of every lane (the actor dies or restarts). */
  List<TaskSpec> takeQueued() {
    List<TaskSpec> queued = new ArrayList<>(defaultLane.queue);
    defaultLane.queue.clear();
    for (Lane lane : byName.values()) {
      queued.addAll(lane.queue);
      lane.queue.clear();
    }
    return queued;
  }
}
