package dev.jray.client;

import dev.jray.api.exception.RayException;
import dev.jray.client.ClientProtocol.Reader;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client's side of the handshake with the head: {@link ClientProtocol#HELLO} names the
 * session's namespace, runtime env and code packages (by SHA-256); the head answers {@link
 * ClientProtocol#NEED} with the packages it lacks, which follow in parts, then {@link
 * ClientProtocol#READY} once the session's driver runs, or {@link ClientProtocol#REFUSED}.
 *
 * <p>Threading: its frames are handled on the connection's event loop.
 */
final class Handshake {
  /** The session the head started (or resumed). */
  record Ready(String sessionId, String jobId, String namespace, String nodeId) {}

  /** A code package: its id (SHA-256 hex), file name and bytes. */
  record Package(String id, String name, byte[] bytes) {}

  private final String sessionId;
  private final String namespace;
  private final String runtimeEnv;
  private final Map<String, Package> packages = new LinkedHashMap<>();

  private Handshake(String sessionId, String namespace, String runtimeEnv,
      List<Package> packages) {
    this.sessionId = sessionId;
    this.namespace = namespace;
    this.runtimeEnv = runtimeEnv;
    packages.forEach(p -> this.packages.put(p.id(), p));
  }

  /** A new session. */
  static Handshake start(String namespace, String runtimeEnv, List<Package> packages) {
    return new Handshake(null, namespace, runtimeEnv, packages);
  }

  /** The session a broken connection had. */
  static Handshake resume(String sessionId) {
    return new Handshake(sessionId, null, null, List.of());
  }

  String sessionId() {
    return sessionId;
  }

  Buffer helloFrame() {
    Buffer b = Buffer.buffer().appendByte(ClientProtocol.HELLO);
    ClientProtocol.appendString(b, namespace);
    ClientProtocol.appendString(b, runtimeEnv);
    b.appendInt(packages.size());
    for (Package p : packages.values()) {
      ClientProtocol.appendString(b, p.id());
      ClientProtocol.appendString(b, p.name());
      b.appendLong(p.bytes().length);
    }
    return b;
  }

  /** Handles one frame of the head's; {@code write} sends frames at once. */
  void onHeadFrame(Reader f, CompletableFuture<Ready> ready, Consumer<List<Buffer>> write) {
    byte op = f.op();
    switch (op) {
      case ClientProtocol.NEED -> {
        List<Buffer> parts = new ArrayList<>();
        for (String id : f.strings()) {
          Package p = packages.get(id);
          if (p == null) {
            ready.completeExceptionally(new RayException("the head asked for package " + id
                + ", which this client did not offer"));
            return;
          }
          byte[] bytes = p.bytes();
          int offset = 0;
          do {
            int n = Math.min(ClientProtocol.PACKAGE_PART_BYTES, bytes.length - offset);
            Buffer part = Buffer.buffer(n + 100).appendByte(ClientProtocol.PACKAGE_PART);
            ClientProtocol.appendString(part, id);
            part.appendLong(offset).appendInt(n).appendBytes(bytes, offset, n);
            offset += n;
            part.appendByte((byte) (offset == bytes.length ? 1 : 0));
            parts.add(part);
            write.accept(List.of(part));
          } while (offset < bytes.length);
        }
      }
      case ClientProtocol.READY -> ready.complete(
          new Ready(f.string(), f.string(), f.string(), f.string()));
      case ClientProtocol.REFUSED -> ready.completeExceptionally(new RayException(f.string()));
      default -> ready.completeExceptionally(new RayException(
          "unexpected frame " + op + " from the head during the handshake"));
    }
  }
}
