package dev.jray.gcs.bus;

import dev.jray.gcs.time.Time;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Refuses, on one event-bus connection, a frame longer than the limit before any of it is
 * buffered. Vert.x's clustered event bus reads each message as a 4-byte length and then buffers
 * that many bytes, from anyone who connects: {@link EventBusGuard} checks the proof only once the
 * whole message is in, so without this handler four bytes ({@code 0x7fffffff}) and a stream of
 * zeros make a node buffer 2 GB for a stranger. This handler sits first in the connection's
 * pipeline, follows the frame boundaries without consuming anything, and closes the connection at
 * the first length that is not 1 to the limit. It also closes a connection whose first message is
 * not whole within a few seconds (a node writes its message as soon as it connects), or that
 * then goes a while without a whole message (a node pings every cluster ping interval): idle
 * strangers cannot hold connections open. A deadline that passed while this connection's event
 * loop was blocked does not count: the peer's bytes may be waiting unread. Until its first
 * message the connection counts among the server's {@link PendingConnections}, which are capped.
 *
 * <p>Threading: one instance per connection, called on that connection's event loop only (its
 * deadline checks are scheduled there too).
 */
final class EventBusFrameLimit extends ChannelInboundHandlerAdapter {
  /** A check this late ran on a loop that was blocked, not on a silent peer. */
  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private final int maxFrameBytes;
  private final Duration firstMessageWithin;
  /** Zero: a connection may then stay idle as long as it likes. */
  private final Duration idleAtMost;
  private final EventBusTransport.Refusals refusals;
  /** Shared by the bus server's connections: this one counts there until its first message. */
  private final PendingConnections pending;
  private final Time time;
  /** When the pending check is due, on {@link #time}. */
  private long deadlineNanos;
  /** Whether a whole message arrived since the last deadline check. */
  private boolean messageSinceCheck;
  /** Whether any byte, and any whole message, arrived yet. */
  private boolean spoke;
  private boolean settled;
  private ScheduledFuture<?> check;
  /** The bytes of the current length prefix read so far, and their value. */
  private int lengthBytes;
  private int length;
  /** The bytes of the current frame's body not yet seen. */
  private long bodyLeft;

  /**
   * @param maxFrameBytes the largest frame accepted, its 4-byte length included
   * @param firstMessageWithin how soon after connecting the first message must be whole
   * @param idleAtMost how long a connection may then go without a whole message; zero: for ever
   * @param pending the server's connections that sent no whole message yet, capped
   * @param time the clock the event loop's lateness is read on
   */
  EventBusFrameLimit(int maxFrameBytes, Duration firstMessageWithin, Duration idleAtMost,
      EventBusTransport.Refusals refusals, PendingConnections pending, Time time) {
    this.time = time;
    this.pending = pending;
    this.maxFrameBytes = maxFrameBytes;
    this.firstMessageWithin = firstMessageWithin;
    this.idleAtMost = idleAtMost;
    this.refusals = refusals;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel close = pending.admit(ctx.channel());
    if (close == ctx.channel()) {
      settled = true;
      refusals.note(ctx.channel().remoteAddress(), "too many connections from its address wait"
          + " for their first message, none of them silent");
      ctx.close();
      return;
    }
    if (close != null) {
      refusals.note(close.remoteAddress(), "it had sent nothing when a new connection needed"
          + " its place among those waiting for a first message");
      close.close();
    }
    checkAfter(ctx, firstMessageWithin, "it sent no whole message within "
        + firstMessageWithin.toMillis() + " ms of connecting");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (check != null) {
      check.cancel(false);
    }
    settle(ctx);
    ctx.fireChannelInactive();
  }

  private void settle(ChannelHandlerContext ctx) {
    if (!settled) {
      settled = true;
      pending.settled(ctx.channel());
    }
  }

  private void checkAfter(ChannelHandlerContext ctx, Duration after, String refusal) {
    deadlineNanos = time.nanoseconds() + after.toNanos();
    check = ctx.executor().schedule(() -> {
      if (!messageSinceCheck && time.nanoseconds() - deadlineNanos > STALL_NANOS) {
        // this loop was blocked past the deadline (a GC pause, a slow handler): what the peer
        // sent may be unread still, so the peer gets its window again
        checkAfter(ctx, after, refusal);
      } else if (!messageSinceCheck) {
        refusals.note(ctx.channel().remoteAddress(), refusal);
        ctx.close();
      } else if (!idleAtMost.isZero()) {
        messageSinceCheck = false;
        checkAfter(ctx, idleAtMost, "it sent no whole message for " + idleAtMost.toMillis()
            + " ms");
      }
    }, after.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      if (!spoke && bytes.isReadable()) {
        spoke = true;
        pending.spoke(ctx.channel());
      }
      String refused = follow(bytes);
      if (refused != null) {
        bytes.release();
        refusals.note(ctx.channel().remoteAddress(), refused);
        ctx.close();
        return;
      }
      if (messageSinceCheck) {
        settle(ctx);
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
        messageSinceCheck |= bodyLeft == 0;
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
