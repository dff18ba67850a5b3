package dev.jray.client;

import dev.jray.api.exception.RayException;
import dev.jray.api.id.ActorId;
import dev.jray.api.id.ObjectId;
import dev.jray.client.ClientProtocol.Reader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a Ray Client waits for from its session driver: the ids of the refs and actors it
 * numbered, and the replies of its requests, each completed by the driver's frame or failed
 * when the connection breaks, so no caller waits for ever.
 *
 * <p>Threading: the maps are concurrent; callers add from any thread; {@link #onFrame} runs on
 * the connection's event loop and never blocks; {@link #failAll} from any thread.
 */
final class PendingReplies {
  final Map<Long, CompletableFuture<ObjectId>> refIds = new ConcurrentHashMap<>();
  final Map<Long, CompletableFuture<ActorId>> actorIds = new ConcurrentHashMap<>();
  final Map<Long, CompletableFuture<byte[]>> replies = new ConcurrentHashMap<>();
  /** Where a failure's classes are found. */
  private final ClassLoader loader;

  PendingReplies(ClassLoader loader) {
    this.loader = loader;
  }

  /** One frame of the driver's: completes what it answers. */
  void onFrame(Reader f) {
    byte op = f.op();
    long key = f.longValue();
    boolean ok = f.bool();
    byte[] body = f.bytes();
    switch (op) {
      case ClientProtocol.REF_ID -> complete(refIds.remove(key), ok, body, ObjectId::fromBytes);
      case ClientProtocol.ACTOR_ID -> complete(actorIds.remove(key), ok, body,
          ActorId::fromBytes);
      case ClientProtocol.REPLY -> complete(replies.remove(key), ok, body, b -> b);
      default -> throw new IllegalArgumentException("unexpected frame " + op
          + " from the session driver");
    }
  }

  private <T> void complete(CompletableFuture<T> f, boolean ok, byte[] body,
      Function<byte[], T> value) {
    if (f == null) {
      return; // failed already by a break
    }
    if (ok) {
      f.complete(value.apply(body));
    } else {
      f.completeExceptionally(RemoteErrors.read(body, loader));
    }
  }

  /** The connection broke or closed: nothing in flight will be answered. */
  void failAll(RayException why) {
    failAll(refIds, why);
    failAll(actorIds, why);
    failAll(replies, why);
  }

  private static <T> void failAll(Map<Long, CompletableFuture<T>> pending, RayException why) {
    for (Long k : List.copyOf(pending.keySet())) {
      CompletableFuture<T> f = pending.remove(k);
      if (f != null) {
        f.completeExceptionally(why);
      }
    }
  }
}
