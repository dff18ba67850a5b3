package dev.jray.client;

import dev.jray.api.BaseActorHandle;
import dev.jray.api.ActorHandle;
import dev.jray.api.function.RayFunc;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.options.ActorCreationOptions;
import dev.jray.api.options.CallOptions;
import dev.jray.api.placementgroup.PlacementStrategy;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The bodies of a client's requests and of the driver's answers that carry user values, written
 * with Fory ({@code Serializers.fory()}) on both sides whatever {@code jray.serializer} says.
 */
public final class ClientRequests {
  private ClientRequests() {}

  /** {@link ClientProtocol#PUT}: a value, and the actor that owns it (null: the driver). */
  public record Put(Object value, BaseActorHandle owner) implements Serializable {}

  /** {@link ClientProtocol#CALL}: a task, or an actor's method when {@code actor} is set. */
  public record Call(ActorHandle<?> actor, RayFunc func, Object[] args, CallOptions options)
      implements Serializable {}

  /** {@link ClientProtocol#CREATE_ACTOR}. */
  public record Creation(RayFunc factory, Object[] args, ActorCreationOptions options)
      implements Serializable {}

  /** {@link ClientProtocol#INVOKE}: one of the driver's {@code SessionRequests} methods by name. */
  public record Invocation(String method, Object[] args) implements Serializable {}

  /** A placement group as the driver sees it when asked. */
  public record GroupSnapshot(PlacementGroupId id, String name,
      List<Map<String, Double>> bundles, PlacementStrategy strategy, int minBundles,
      boolean detached) implements Serializable {}
}
