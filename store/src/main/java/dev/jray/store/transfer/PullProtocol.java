package dev.jray.store.transfer;

import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/**
 * The wire format of {@code jray.ObjectTransfer/Pull}, a server-streaming gRPC method whose
 * messages are raw bytes, so no protobuf schema or generated code is involved.
 *
 * <ul>
 *   <li>Request: one message, the 28 bytes of the object id.
 *   <li>Response: a header message holding the object's size as an 8-byte big-endian long, then
 *       the object's bytes in order, in messages of at most {@link ObjectTransferServer#CHUNK_SIZE}
 *       bytes, then status OK. Any other status means the object was not (fully) sent.
 * </ul>
 */
final class PullProtocol {
  static final ServiceName SERVICE = ServiceName.create("jray.ObjectTransfer");
  static final String METHOD = "Pull";

  static final ServiceMethod<Buffer, Buffer> SERVER_METHOD =
      ServiceMethod.server(
          SERVICE, METHOD, GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);

  static final ServiceMethod<Buffer, Buffer> CLIENT_METHOD =
      ServiceMethod.client(
          SERVICE, METHOD, GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);

  /** Largest response message a client accepts: a full chunk. */
  static final int MAX_MESSAGE_SIZE = ObjectTransferServer.CHUNK_SIZE;

  private PullProtocol() {}

  static Buffer header(long size) {
    return Buffer.buffer(Long.BYTES).appendLong(size);
  }

  /**
   * The object size a header message announces.
   *
   * @throws IllegalArgumentException if {@code message} is not a valid header
   */
  static long parseHeader(Buffer message) {
    if (message.length() != Long.BYTES) {
      throw new IllegalArgumentException(
          "expected an " + Long.BYTES + "-byte size header, got " + message.length() + " bytes");
    }
    long size = message.getLong(0);
    if (size < 0) {
      throw new IllegalArgumentException("header announces a negative size " + size);
    }
    return size;
  }
}
