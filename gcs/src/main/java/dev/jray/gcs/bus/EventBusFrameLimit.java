package dev.jray.gcs.bus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Refuses, on one event-bus connection, a frame longer than the limit before any of it is
 * buffered. Vert.x's clustered event bus reads each message as a 4-byte length and then buffers
 * that many bytes, from anyone who connects: {@link EventBusGuard} checks the proof only once the
 * whole message is in, so without this handler four bytes ({@code 0x7fffffff}) and a stream of
 * zeros make a node buffer 2 GB for a stranger. This handler sits first in the connection's
 * pipeline, follows the frame boundaries without consuming anything, and closes the connection at
 * the first length that is not 1 to the limit.
 *
 * <p>Threading: one instance per connection, called on that connection's event loop only.
 */
final class EventBusFrameLimit extends ChannelInboundHandlerAdapter {
  private final int maxFrameBytes;
  private final EventBusTransport.Refusals refusals;
  /** The bytes of the current length prefix read so far, and their value. */
  private int lengthBytes;
  private int length;
  /** The bytes of the current frame's body not yet seen. */
  private long bodyLeft;

  /** @param maxFrameBytes the largest frame accepted, its 4-byte length included */
  EventBusFrameLimit(int maxFrameBytes, EventBusTransport.Refusals refusals) {
    this.maxFrameBytes = maxFrameBytes;
    this.refusals = refusals;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      String refused = follow(bytes);
      if (refused != null) {
        bytes.release();
        refusals.note(ctx.channel().remoteAddress(), refused);
        ctx.close();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Moves through {@code bytes}' frames; returns why the stream is refused, or null. */
  String follow(ByteBuf bytes) {
    int i = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (i < end) {
      if (bodyLeft > 0) {
        int skip = (int) Math.min(bodyLeft, end - i);
        i += skip;
        bodyLeft -= skip;
        continue;
      }
      length = length << 8 | (bytes.getByte(i++) & 0xff);
      if (++lengthBytes == Integer.BYTES) {
        if (length <= 0 || length > maxFrameBytes - Integer.BYTES) {
          return "it announced a message of " + Integer.toUnsignedString(length) + " bytes; the"
              + " event bus reads 1 to " + (maxFrameBytes - Integer.BYTES) + " (-D"
              + EventBusTransport.MAX_FRAME_PROPERTY + ")";
        }
        bodyLeft = length;
        length = 0;
        lengthBytes = 0;
      }
    }
    return null;
  }
}
