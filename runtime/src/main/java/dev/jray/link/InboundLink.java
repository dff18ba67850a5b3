package dev.jray.link;

import dev.jray.api.id.UniqueId;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection another node opened to this one, once it proved the cluster token and its node
 * id: its thread reads the frames and hands each message to the inbox in arrival order; replies
 * to requests go back on the same socket.
 */
final class InboundLink implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(InboundLink.class);

  private final SocketChannel socket;
  /** What frames are read from and written to: {@link #socket}, or TLS over it. */
  private final ByteChannel channel;
  private final NodeLinks links;
  /** The node at the other end, as it proved in the handshake. */
  final UniqueId from;
  final LinkWriter replies;
  private volatile boolean closed;

  InboundLink(SocketChannel socket, ByteChannel channel, NodeLinks links, UniqueId from)
      throws IOException {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.links = Objects.requireNonNull(links, "links");
    this.from = Objects.requireNonNull(from, "from");
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.replies = new LinkWriter(e -> OutboundLink.closeQuietly(socket), links.time,
        links.traffic);
    replies.open(channel);
  }

  /** The reader thread's loop: ends when the peer closes the connection or this node stops. */
  @Override
  public void run() {
    try {
      FrameReader reader = new FrameReader(channel, links.maxFrameBytes, links.traffic);
      Frames.Frame frame;
      while ((frame = reader.next()) != null) {
        links.onFrame(from, frame, this);
        if (!reader.hasBufferedFrame()) {
          links.flushCurrentThread(); // what the handlers sent leaves before this thread waits
        }
      }
    } catch (NodeLinks.RefusedMessage e) {
      LOG.warn(e.getMessage());
    } catch (IOException e) {
      if (!closed) {
        LOG.info("the link from node " + from + " failed: " + e.getMessage());
      }
    } finally {
      links.onInboundClosed(this, !closed);
      close();
    }
  }

  void close() {
    closed = true;
    replies.fail(new IOException("the link was closed"));
    OutboundLink.closeQuietly(socket);
  }
}
