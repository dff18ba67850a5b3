package dev.jray.link;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.gcs.security.TlsChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connection to one other node, opened by the {@link
 * dev.jray.gcs.security.Handshake} (each side proves the cluster token, and the node proves it is
 * the node asked for), inside mutual TLS when the links have {@code TlsSettings}: frames sent to
 * that node go through its {@link LinkWriter} (queued while
 * connecting and authenticating); replies to this node's requests come back on the same
 * socket and are read by a thread of its own, which also sees the peer close the connection.
 *
 * <p>Threading: thread-safe; the channel and the closed flag are volatile, set by the connector
 * thread and by {@link #close}.
 */
final class OutboundLink {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundLink.class);
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  final UniqueId node;
  private final NodeLinks links;
  final LinkWriter writer;
  private final long createdNanos;
  private volatile SocketChannel channel;
  private volatile boolean closed;

  OutboundLink(UniqueId node, NodeLinks links) {
    this.node = Objects.requireNonNull(node, "node");
    this.links = Objects.requireNonNull(links, "links");
    this.createdNanos = links.time.nanoseconds();
    this.writer = new LinkWriter(e -> {
      closeQuietly(channel); // ends the reply reader too
      links.onLinkFailed(this, e);
    }, links.time, links.traffic);
  }

  long ageNanos() {
    return links.time.nanoseconds() - createdNanos;
  }

  /**
   * Connects, proves the token and checks the node's proof (within the handshake deadline), and
   * starts writing what was queued; fails the link if the node cannot be reached or is not the
   * node it should be. Called once, on a connector thread (it blocks).
   */
  void connect(InetSocketAddress address) {
    SocketChannel ch = null;
    try {
      if (address == null) {
        throw new IOException("node " + node + " is unknown or gone");
      }
      ch = SocketChannel.open();
      ch.socket().connect(address, CONNECT_TIMEOUT_MS);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel = ch;
      if (closed) {
        throw new IOException("the link was closed");
      }
      ByteChannel io = authenticate(ch, address);
      Thread reader = new Thread(() -> readReplies(io),
          "jray-link-out-" + node.toHex().substring(0, 8));
      reader.setDaemon(true);
      reader.start();
      writer.open(io);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      writer.fail(e instanceof IOException io ? io : new IOException(e));
    }
  }

  /**
   * The handshake, as the client, inside TLS when on: a refusal is one line here, as it is on the
   * node's side.
   *
   * @return what frames go through: {@code ch}, or TLS over it
   */
  private ByteChannel authenticate(SocketChannel ch, InetSocketAddress address)
      throws IOException {
    String refused = "link to node " + node + " at " + address.getAddress().getHostAddress() + ":"
        + address.getPort() + " refused: ";
    UniqueId proven;
    ByteChannel io;
    Duration timeout = NodeLinks.HANDSHAKE_LIMITS.handshakeTimeout();
    try (ChannelDeadlines.Deadline deadline = links.deadlines.closeAfter(timeout, ch)) {
      try {
        io = links.tls == null ? ch : TlsChannel.client(ch, links.tls, (int) timeout.toMillis());
        proven = links.handshake.asClient(io, links.self);
      } catch (IOException e) {
        String reason = deadline.expired() ? "it did not finish the handshake within "
            + timeout.toMillis() + " ms" : e instanceof SSLException
            ? "its TLS handshake failed: " + e.getMessage() : e.getMessage();
        if (!closed) {
          LOG.warn(refused + reason);
        }
        throw new IOException(refused + reason, e);
      }
    }
    if (!proven.equals(node)) {
      LOG.warn(refused + "it proved the cluster token but is node " + proven);
      throw new IOException(refused + "it is node " + proven);
    }
    return io;
  }

  /** Reads the replies to this node's requests until the connection ends. */
  private void readReplies(ByteChannel io) {
    FrameReader reader = new FrameReader(io, links.maxFrameBytes, links.traffic);
    try {
      Frames.Frame frame;
      while ((frame = reader.next()) != null) {
        links.onReply(frame);
        if (!reader.hasBufferedFrame()) {
          links.flushCurrentThread(); // what the replies' continuations sent
        }
      }
      writer.fail(new IOException("node " + node + " closed the link"));
    } catch (IOException e) {
      writer.fail(e);
    } catch (RuntimeException e) {
      LOG.warn("reading a reply from node " + node, e);
      writer.fail(new IOException(e));
    }
  }

  void close() {
    closed = true;
    writer.fail(new IOException("the link to node " + node + " was closed"));
    closeQuietly(channel);
  }

  static void closeQuietly(SocketChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a link", e);
    }
  }
}
