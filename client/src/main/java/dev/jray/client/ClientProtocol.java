package dev.jray.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Ray Client's wire contract, written in one place. Two bidirectional gRPC streams of the
 * service {@value #SERVICE} on the head's client port (default {@value #DEFAULT_PORT}): {@code
 * Connect}, a client's, and {@code Backend}, that of the session driver the head starts for it.
 * Both carry the cluster token ({@code authorization: Bearer TOKEN}); a backend names its session
 * in {@value #SESSION_HEADER}, as does a client that reconnects.
 *
 * <p>Each gRPC message is a batch: a count, then that many frames, each a length and its bytes;
 * a frame starts with its op code. A client's first frames are the handshake with the head
 * ({@link #HELLO}, {@link #PACKAGE_PART}; the head answers {@link #NEED}, then {@link #READY});
 * after that the head relays batches unread between the client and its session driver. Every
 * count and length read is bounded before it is used.
 */
public final class ClientProtocol {
  public static final String SERVICE = "jray.RayClient";
  public static final int DEFAULT_PORT = 10001;
  /** The session a backend serves or a reconnecting client resumes. */
  public static final String SESSION_HEADER = "jray-client-session";
  public static final String AUTHORIZATION_HEADER = "authorization";
  /** The largest gRPC message either side accepts: a value bigger than this cannot cross. */
  public static final int MAX_MESSAGE_BYTES = 256 << 20;
  /** The largest value a client puts or gets, leaving room for the frame around it. */
  public static final int MAX_VALUE_BYTES = MAX_MESSAGE_BYTES - (1 << 20);
  /** A code package crosses in parts of this size. */
  public static final int PACKAGE_PART_BYTES = 8 << 20;
  static final int MAX_FRAMES = 1 << 20;
  static final int MAX_LIST = 1 << 20;
  static final int MAX_STRING_BYTES = 1 << 20;

  // handshake, client -> head
  public static final byte HELLO = 1;
  public static final byte PACKAGE_PART = 2;
  // handshake, head -> client
  public static final byte NEED = 3;
  public static final byte READY = 4;
  public static final byte REFUSED = 5;
  // requests, client -> session driver
  public static final byte PUT = 10;
  public static final byte CALL = 11;
  public static final byte CREATE_ACTOR = 12;
  public static final byte GET = 13;
  public static final byte WAIT = 14;
  public static final byte RELEASE = 15;
  public static final byte INVOKE = 16;
  // replies, session driver -> client
  public static final byte REF_ID = 20;
  public static final byte ACTOR_ID = 21;
  public static final byte REPLY = 22;
  /** A session driver's first frame on its backend stream: its job, namespace and node. */
  public static final byte DRIVER_READY = 23;

  private ClientProtocol() {}

  /** The client's stream. */
  public static ServiceMethod<Buffer, Buffer> connectServer() {
    return ServiceMethod.server(ServiceName.create(SERVICE), "Connect", GrpcMessageEncoder.IDENTITY,
        GrpcMessageDecoder.IDENTITY);
  }

  /** The session driver's stream. */
  public static ServiceMethod<Buffer, Buffer> backendServer() {
    return ServiceMethod.server(ServiceName.create(SERVICE), "Backend", GrpcMessageEncoder.IDENTITY,
        GrpcMessageDecoder.IDENTITY);
  }

  public static ServiceMethod<Buffer, Buffer> connectClient() {
    return ServiceMethod.client(ServiceName.create(SERVICE), "Connect", GrpcMessageEncoder.IDENTITY,
        GrpcMessageDecoder.IDENTITY);
  }

  public static ServiceMethod<Buffer, Buffer> backendClient() {
    return ServiceMethod.client(ServiceName.create(SERVICE), "Backend", GrpcMessageEncoder.IDENTITY,
        GrpcMessageDecoder.IDENTITY);
  }

  /** One gRPC message of the given frames. */
  public static Buffer batch(List<Buffer> frames) {
    int size = 4;
    for (Buffer f : frames) {
      size += 4 + f.length();
    }
    Buffer out = Buffer.buffer(size).appendInt(frames.size());
    for (Buffer f : frames) {
      out.appendInt(f.length()).appendBuffer(f);
    }
    return out;
  }

  /**
   * Hands each frame of a batch to {@code frame}, in order.
   *
   * @throws IllegalArgumentException if the batch is malformed (a count or length out of bounds)
   */
  public static void frames(Buffer batch, Consumer<Reader> frame) {
    Reader in = new Reader(batch, 0, batch.length());
    int count = in.count(MAX_FRAMES);
    for (int i = 0; i < count; i++) {
      int length = in.intValue();
      if (length < 1 || length > in.remaining()) {
        throw new IllegalArgumentException("a frame of " + length + " bytes in a batch with "
            + in.remaining() + " left");
      }
      frame.accept(new Reader(batch, in.position, in.position + length));
      in.position += length;
    }
  }

  /** Appends a string as its UTF-8 length and bytes; null as -1. */
  public static Buffer appendString(Buffer out, String s) {
    if (s == null) {
      return out.appendInt(-1);
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return out.appendInt(b.length).appendBytes(b);
  }

  public static Buffer appendBytes(Buffer out, byte[] b) {
    return out.appendInt(b.length).appendBytes(b);
  }

  /** Reads one frame's fields, bounding every length against what is left. Not thread-safe. */
  public static final class Reader {
    private final Buffer buffer;
    private int position;
    private final int end;

    Reader(Buffer buffer, int position, int end) {
      this.buffer = buffer;
      this.position = position;
      this.end = end;
    }

    public int remaining() {
      return end - position;
    }

    private void need(int n) {
      if (n < 0 || n > remaining()) {
        throw new IllegalArgumentException("a frame ends " + (n - remaining())
            + " bytes early");
      }
    }

    public byte op() {
      return byteValue();
    }

    public byte byteValue() {
      need(1);
      return buffer.getByte(position++);
    }

    public boolean bool() {
      return byteValue() != 0;
    }

    public int intValue() {
      need(4);
      int v = buffer.getInt(position);
      position += 4;
      return v;
    }

    public long longValue() {
      need(8);
      long v = buffer.getLong(position);
      position += 8;
      return v;
    }

    /** A count in [0, max]. */
    public int count(int max) {
      int n = intValue();
      if (n < 0 || n > max) {
        throw new IllegalArgumentException("a count of " + n + " (at most " + max + ")");
      }
      return n;
    }

    public byte[] bytes() {
      int n = count(MAX_MESSAGE_BYTES);
      need(n);
      byte[] b = buffer.getBytes(position, position + n);
      position += n;
      return b;
    }

    public String string() {
      int n = intValue();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > MAX_STRING_BYTES) {
        throw new IllegalArgumentException("a string of " + n + " bytes");
      }
      need(n);
      String s = buffer.getString(position, position + n, "UTF-8");
      position += n;
      return s;
    }

    public long[] longs() {
      int n = count(MAX_LIST);
      need(n * 8);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = longValue();
      }
      return v;
    }

    public List<String> strings() {
      int n = count(MAX_LIST);
      List<String> v = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        v.add(string());
      }
      return v;
    }
  }
}
