package dev.jray.cluster;

import dev.jray.api.id.ActorId;
import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.bus.ForyMessageCodec;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.gcs.serialization.Serializers;
import dev.jray.placement.PlacementMessages;
import dev.jray.resources.ResourceSet;
import dev.jray.runtime.CoreWorker;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskArg;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;

/**
 * What a process without the cluster token sends to a node's ports, built the way jray and Vert.x
 * themselves encode it (so a refusal is the node's doing, not a malformed probe), and a probe that
 * sends bytes and reports what the node did with the connection.
 */
final class StrangerWire {
  /** The link's frame kinds and header (dev.jray.link.Frames). */
  private static final byte MESSAGE = 1;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** jray's link messages, encoded as a node encodes them for its links. */
  private static final MessageSerializer LINK_MESSAGES =
      new MessageSerializer(CoreWorker.linkMessageTypes());

  private StrangerWire() {}

  /** What the node did with a connection: whether it closed it, and what it sent back. */
  record Outcome(boolean closed, int bytesBack, String how) {}

  /**
   * Connects, writes {@code parts} in order, and reads until the node closes the connection or
   * {@code wait} ms pass without it.
   */
  static Outcome send(int port, int waitMs, byte[]... parts) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(waitMs);
      OutputStream out = s.getOutputStream();
      try {
        for (byte[] part : parts) {
          out.write(part);
        }
        out.flush();
      } catch (IOException e) {
        return new Outcome(true, 0, "closed while writing: " + e.getMessage());
      }
      return readUntilClosed(s.getInputStream());
    }
  }

  /**
   * Connects, writes {@code prefix}, then streams zeros until {@code streamBytes} are written or
   * the node closes the connection.
   */
  static Outcome stream(int port, byte[] prefix, long streamBytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[64 << 10];
      long written = 0;
      try {
        out.write(prefix);
        while (written < streamBytes) {
          out.write(chunk);
          written += chunk.length;
        }
        out.flush();
      } catch (IOException e) {
        return new Outcome(true, 0, "closed after " + written + " bytes: " + e.getMessage());
      }
      Outcome after = readUntilClosed(s.getInputStream());
      return new Outcome(after.closed(), after.bytesBack(), "all " + written + " bytes written, then "
          + after.how());
    }
  }

  private static Outcome readUntilClosed(InputStream in) {
    byte[] buffer = new byte[8192];
    int back = 0;
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        back += n;
      }
      return new Outcome(true, back, "closed by the node");
    } catch (SocketTimeoutException e) {
      return new Outcome(false, back, "still open");
    } catch (IOException e) {
      return new Outcome(true, back, "reset: " + e.getMessage());
    }
  }

  static byte[] garbage(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  static byte[] bigEndianInt(int value) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
  }

  /**
   * The opening of jray's handshake ({@code dev.jray.gcs.security.Handshake}): the magic and a
   * hello claiming to be node {@code claimed}; the node's challenge follows, which needs the
   * token to answer.
   */
  static byte[] hello(UniqueId claimed) {
    byte[] nonce = garbage(32);
    return ByteBuffer.allocate(4 + 4 + 2 + nonce.length + UniqueId.LENGTH)
        .put("JRAY".getBytes(StandardCharsets.US_ASCII))
        .putInt(2 + nonce.length + UniqueId.LENGTH).put((byte) 1).put(nonce)
        .put((byte) UniqueId.LENGTH).put(claimed.getBytes()).array();
  }

  /** A well-formed answer to the challenge, with a proof made up without the token. */
  static byte[] madeUpProof() {
    return ByteBuffer.allocate(4 + 32).putInt(32).put(garbage(32)).array();
  }

  /** A link frame carrying {@code payload} as a one-way message. */
  static byte[] linkFrame(byte[] payload) {
    return ByteBuffer.allocate(4 + 1 + 8 + payload.length).putInt(1 + 8 + payload.length)
        .put(MESSAGE).putLong(0).put(payload).array();
  }

  /** A task calling {@code System.exit(0)} for a made-up job, as the link encodes a TaskSpec. */
  static byte[] systemExitTask() {
    JobId job = JobId.fromInt(0x7ead);
    var taskId = IdFactory.newTaskId(job);
    TaskSpec spec = new TaskSpec(taskId, job, TaskKind.NORMAL, "exit",
        new FunctionDescriptor("java.lang.System", "exit", "(I)V"),
        List.of(TaskArg.byValue(Serializers.fory().serialize(0))), ResourceSet.EMPTY,
        "jray.owner." + IdFactory.newUniqueId(), IdFactory.objectId(taskId, 1), 0, 0, null, null,
        0, null, null);
    return LINK_MESSAGES.serialize(spec);
  }

  /** A KillActor (package-private in dev.jray.runtime) for {@code actor}, as the link encodes it. */
  static byte[] killActor(ActorId actor) {
    try {
      Class<?> type = Class.forName("dev.jray.runtime.KillActor");
      Constructor<?> c = type.getDeclaredConstructor(ActorId.class, boolean.class, String.class);
      c.setAccessible(true);
      return LINK_MESSAGES.serialize(c.newInstance(actor, true, "a stranger"));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build a KillActor", e);
    }
  }

  /** A value of a class that no node registers, encoded by jray's user-value serializer. */
  static byte[] unregisteredClass() {
    return Serializers.fory().serialize(new Unregistered("not one of jray's messages"));
  }

  /** A class no node registers for its messages. */
  record Unregistered(String text) implements Serializable {}

  /**
   * A Vert.x clustered event-bus message asking the placement service to remove {@code group},
   * encoded by Vert.x's own {@link ClusteredMessage} with jray's codec; {@code proof} is put in
   * jray's proof header unless null.
   */
  static byte[] removeGroupMessage(PlacementGroupId group, String proof) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (proof != null) {
      headers.add("jray-proof", proof);
    }
    ClusteredMessage<PlacementMessages.Remove, PlacementMessages.Remove> message =
        new ClusteredMessage<>(UUID.randomUUID().toString(), PlacementMessages.ADDRESS, headers,
            new PlacementMessages.Remove(group),
            new ForyMessageCodec<>(PlacementMessages.Remove.class), true, null);
    return message.encodeToWire().getBytes();
  }
}
