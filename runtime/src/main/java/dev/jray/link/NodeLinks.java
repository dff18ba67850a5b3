package dev.jray.link;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.security.AuthenticatingAcceptor;
import dev.jray.gcs.security.ChannelDeadlines;
import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.security.Handshake;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.serialization.SerializationException;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.time.Time;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's direct links to the other nodes: a TCP server other nodes connect to, and one
 * connection to each node this one sends to (so what one node sends another arrives in the
 * order it was sent). Messages are Fory-serialized by the sending thread and written by it when
 * the connection is free (else coalesced with what queues meanwhile); the receiving node's
 * reader thread hands them to its {@link LinkInbox}. Requests are answered on the connection
 * they came in on, matched by id.
 *
 * <p>With {@link TlsSettings}, every connection runs over mutual TLS, the handshake inside it.
 * Every connection starts with the {@link Handshake}: both nodes prove the cluster token, and
 * the connecting node's id is trusted once proven. Until then a connection costs no thread while
 * it is idle and is closed after {@link #HANDSHAKE_LIMITS}' deadline; connections still
 * authenticating are capped ({@link AuthenticatingAcceptor}). After it, frames are at most
 * {@code -Djray.link.max-frame-bytes} (8 MiB by default).
 *
 * <p>Failures: a message to a node that is unknown, known dead or unreachable is dropped
 * (requests to it fail). What was in flight on a connection that breaks may be lost: the inbox
 * hears of it ({@link LinkInbox#onLinkLost}), for the connections this node opened and those
 * opened to it, unless the node is known dead (membership recovers that). A failed connection is
 * opened again by a later send, at most once a second (what is sent meanwhile waits for it), and
 * never once the node is known dead. Messages from a node known dead are ignored: a node the
 * cluster declared dead while it still ran (a long pause) must not have its late reports acted
 * on.
 *
 * <p>Threading: thread-safe (concurrent maps; each writer guards itself); sends never wait for a
 * connection. Its threads are daemons named {@code jray-link-...}: connectors (which call the
 * resolver and run the client's handshake), one reader per link (which runs the inbox and
 * completes request futures), the flusher, the acceptor with its handshake pool, and the
 * handshake deadlines' thread.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);
  private static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** What connections not yet authenticated are allowed, both ways. */
  static final AuthenticatingAcceptor.Limits HANDSHAKE_LIMITS = AuthenticatingAcceptor.Limits.DEFAULT;

  /** Answers one request; either method once. Thread-safe. */
  public static final class Reply {
    private final InboundLink link;
    private final long id;

    private final NodeLinks links;

    private Reply(InboundLink link, long id, NodeLinks links) {
      this.link = link;
      this.id = id;
      this.links = links;
    }

    public void ok(Object value) {
      byte[] payload;
      try {
        payload = links.payload(value);
      } catch (IllegalArgumentException e) {
        fail(e.getMessage());
        return;
      }
      link.replies.send(Frames.REPLY, id, payload);
    }

    public void fail(String error) {
      link.replies.send(Frames.REPLY_FAILED, id, error.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Pending(UniqueId node, CompletableFuture<Object> future) {}

  final UniqueId self;
  /** The clock of deferred frames and of the retry back-off. */
  final Time time;
  final Handshake handshake;
  /** Mutual TLS beneath the handshake, both ways; null: plain TCP. */
  final TlsSettings tls;
  /** Closes connections whose handshake outlasts its deadline, both ways. */
  final ChannelDeadlines deadlines;
  /** The largest frame read or sent, length prefix included. */
  final int maxFrameBytes;
  /** What every link of this node carried, both ways. */
  final LinkTraffic traffic = new LinkTraffic();
  /** Replaced at most by one that writes and reads the same bytes ({@link #useSerializer}). */
  private volatile Serializer serializer;
  private final ClassLoader loader;
  private final Function<UniqueId, InetSocketAddress> resolver;
  private final LinkInbox inbox;
  private final ConcurrentHashMap<UniqueId, OutboundLink> outbound = new ConcurrentHashMap<>();
  private final Set<InboundLink> inbound = ConcurrentHashMap.newKeySet();
  private final Set<UniqueId> dead = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService connector;
  /** The writers each thread deferred frames to since it last flushed. */
  private final ThreadLocal<List<LinkWriter>> deferred = ThreadLocal.withInitial(ArrayList::new);
  private final LinkFlusher flusher;
  private volatile AuthenticatingAcceptor acceptor;
  private volatile boolean closed;

  /**
   * @param self this node
   * @param token the cluster token this node proves and asks of its peers
   * @param tls mutual TLS on every connection, beneath the handshake; null for plain TCP
   * @param loader the class loader messages are read with
   * @param resolver where a node listens, or null if it is unknown or gone; may block (it is
   *     called on a connector thread)
   * @param inbox what messages to this node go to
   * @param time the clock of the retry back-off and the handshake deadline: a test sees them
   *     pass without waiting
   * @throws IllegalArgumentException if {@code -Djray.link.max-frame-bytes} is not a size
   */
  public NodeLinks(UniqueId self, ClusterToken token, TlsSettings tls, Serializer serializer,
      ClassLoader loader, Function<UniqueId, InetSocketAddress> resolver, LinkInbox inbox,
      Time time) {
    this.self = Objects.requireNonNull(self, "self");
    this.time = Objects.requireNonNull(time, "time");
    this.maxFrameBytes = Frames.maxFrameBytes(System.getProperty(Frames.MAX_FRAME_PROPERTY));
    this.handshake = new Handshake(token, "link");
    this.tls = tls;
    this.deadlines = new ChannelDeadlines(time, "jray-link-deadlines");
    this.flusher = new LinkFlusher(time);
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.connector = Executors.newCachedThreadPool(r -> daemon(r, "jray-link-connect-"));
  }

  private Thread daemon(Runnable r, String prefix) {
    Thread t = new Thread(r, prefix + threads.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** Starts accepting links on {@code host}, on a free port. @return the port */
  public int listen(String host) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    try {
      s.bind(new InetSocketAddress(host, 0));
      acceptor = new AuthenticatingAcceptor("link", s, handshake, tls, self, time,
          HANDSHAKE_LIMITS, deadlines, this::onAuthenticated);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    if (closed) {
      acceptor.close();
    }
    return ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  /** A node connected and proved the token; on a handshake thread. */
  private void onAuthenticated(SocketChannel socket, ByteChannel channel, UniqueId from)
      throws IOException {
    InboundLink link = new InboundLink(socket, channel, this, from);
    inbound.add(link);
    if (closed) {
      link.close();
    } else {
      daemon(link, "jray-link-in-").start();
    }
  }

  /** Connections refused before authenticating, for tests. */
  long refusedConnections() {
    AuthenticatingAcceptor a = acceptor;
    return a == null ? 0 : a.refused();
  }

  /**
   * Sends a message to a node; never waits for the connection to open. Dropped if the node is
   * unknown, gone or unreachable. The message may wait for more from this thread to the same
   * node, until the thread calls {@link #flushCurrentThread} (before it blocks or idles), a batch
   * is full, or about a millisecond passes. On a Vert.x event loop, which never blocks, it waits
   * only until the event loop's current task ends.
   *
   * @throws IllegalArgumentException if the message is larger than a frame may be
   */
  public void send(UniqueId node, Object message) {
    if (dead.contains(node)) {
      return; // not even serialized
    }
    LinkWriter writer = linkTo(node).writer;
    if (!writer.defer(Frames.MESSAGE, 0, payload(message))) {
      LOG.atDebug().log(() -> "dropped a message to node " + node + ": its link failed");
      return;
    }
    List<LinkWriter> mine = deferred.get();
    if (mine.isEmpty()) {
      Context eventLoop = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
      if (eventLoop != null) {
        eventLoop.runOnContext(v -> flushCurrentThread());
      }
    }
    if (mine.isEmpty() || mine.get(mine.size() - 1) != writer && !mine.contains(writer)) {
      mine.add(writer);
    }
    flusher.watch(writer);
  }

  /** Writes what this thread sent and left waiting. Call before blocking or idling. */
  public void flushCurrentThread() {
    List<LinkWriter> mine = deferred.get();
    for (int i = 0; i < mine.size(); i++) {
      mine.get(i).flush();
    }
    mine.clear();
  }

  /** Sends a request; completes with the node's reply, or fails if the link fails first. */
  public CompletableFuture<Object> request(UniqueId node, Object message) {
    long id = nextRequestId.incrementAndGet();
    CompletableFuture<Object> f = new CompletableFuture<>();
    pending.put(id, new Pending(node, f));
    f.whenComplete((v, e) -> pending.remove(id));
    byte[] payload;
    try {
      payload = payload(message);
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
      return f;
    }
    if (!linkTo(node).writer.send(Frames.REQUEST, id, payload)) {
      f.completeExceptionally(new LinkFailed("node " + node + " cannot be reached", null));
    }
    return f;
  }

  /**
   * From now on messages are written and read with {@code next}, which must write and read the
   * same bytes as the serializer it replaces (the same messages, by reflection or by generated
   * code): a message in flight reads the same either way. Never blocks.
   */
  public void useSerializer(Serializer next) {
    serializer = Objects.requireNonNull(next, "next");
  }

  /**
   * Starts connecting to {@code node} (and proving the token) if no link to it is open, so that a
   * first request made later does not wait for the handshake. Never blocks.
   */
  public void open(UniqueId node) {
    linkTo(node);
  }

  /**
   * A message's bytes, if its frame fits the limit the peer reads.
   *
   * @throws IllegalArgumentException naming its type and size if it does not
   */
  byte[] payload(Object message) {
    byte[] bytes = serializer.serialize(message);
    if (bytes.length > maxFrameBytes - Integer.BYTES - Frames.HEADER) {
      throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " of "
          + bytes.length + " bytes is larger than a link frame may be (" + maxFrameBytes
          + " bytes, -D" + Frames.MAX_FRAME_PROPERTY + ")");
    }
    return bytes;
  }

  private OutboundLink linkTo(UniqueId node) {
    OutboundLink link = outbound.get(node);
    if (link != null && !(link.writer.failed() && !dead.contains(node) && !closed)) {
      return link;
    }
    OutboundLink fresh = new OutboundLink(node, this);
    OutboundLink won = link == null ? outbound.putIfAbsent(node, fresh)
        : outbound.replace(node, link, fresh) ? null : outbound.get(node);
    if (won != null) {
      return won;
    }
    // at most one attempt a second per node: what is sent meanwhile queues in the fresh link
    long wait = link == null ? 0 : RETRY_AFTER_NANOS - link.ageNanos();
    if (closed || dead.contains(node)) {
      fresh.close();
    } else {
      try {
        connector.execute(() -> {
          if (wait > 0) {
            time.park(wait);
          }
          fresh.connect(resolver.apply(node));
        });
      } catch (RejectedExecutionException stopping) {
        fresh.close();
      }
    }
    return fresh;
  }

  /**
   * A node left the cluster: its links close, it is never connected to again, and what it still
   * sends is ignored.
   */
  public void onNodeDied(UniqueId node) {
    dead.add(node);
    OutboundLink link = outbound.get(node);
    if (link != null) {
      link.close();
    }
    for (InboundLink in : inbound) {
      if (in.from.equals(node)) {
        in.close();
      }
    }
  }

  void onLinkFailed(OutboundLink link, IOException cause) {
    // a node that stops or dies closes its links: membership reports it, this is routine
    LOG.atDebug().log(() -> "the link to node " + link.node + " failed: " + cause.getMessage());
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (e.getValue().node().equals(link.node)) {
        e.getValue().future().completeExceptionally(new LinkFailed("the link to node "
            + link.node + " failed: " + cause.getMessage(), cause));
      }
    }
    lost(link.node); // its queued frames are dropped, and those written may not have been read
  }

  /** What was in flight to or from {@code node} may be lost: the inbox hears of it, off this thread. */
  private void lost(UniqueId node) {
    if (closed || dead.contains(node)) {
      return;
    }
    try {
      connector.execute(() -> {
        if (!closed && !dead.contains(node)) {
          inbox.onLinkLost(node);
        }
      });
    } catch (RejectedExecutionException stopping) {
      // closing: nothing is recovered any more
    }
  }

  /** A frame from {@code from} on an inbound link; on its reader thread. */
  void onFrame(UniqueId from, Frames.Frame frame, InboundLink link) throws RefusedMessage {
    if (dead.contains(from)) {
      return; // declared dead: its late reports are not acted on (it fences itself)
    }
    if (frame.kind() != Frames.MESSAGE && frame.kind() != Frames.REQUEST) {
      LOG.warn("node " + from + " sent a frame of kind " + frame.kind() + " on its link");
      return;
    }
    Reply reply = frame.kind() == Frames.REQUEST ? new Reply(link, frame.id(), this) : null;
    Object message;
    try {
      message = serializer.deserialize(frame.payload(), loader);
    } catch (SerializationException e) {
      throw new RefusedMessage("node " + from + " sent a message that was refused, so its link"
          + " is closed: " + e.getMessage());
    }
    try {
      inbox.onMessage(from, message, reply);
    } catch (RuntimeException e) {
      LOG.warn("handling a message from node " + from, e);
    }
  }

  /**
   * A request failed because its link did (the peer could not be reached, or the connection broke),
   * not because the peer answered with a failure.
   */
  public static final class LinkFailed extends IOException {
    private static final long serialVersionUID = 1L;

    LinkFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A peer's message did not decode into a registered type: its link is closed. */
  static final class RefusedMessage extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedMessage(String message) {
      super(message);
    }
  }

  /** A reply on an outbound link; on its reader thread. */
  void onReply(Frames.Frame frame) {
    Pending p = pending.get(frame.id());
    if (p == null) {
      return; // its link failed already
    }
    if (frame.kind() == Frames.REPLY) {
      p.future().complete(serializer.deserialize(frame.payload(), loader));
    } else {
      p.future().completeExceptionally(
          new IOException(StandardCharsets.UTF_8.decode(frame.payload()).toString()));
    }
  }

  /** An inbound link ended; {@code broke}: not closed by this node, so replies may be lost. */
  void onInboundClosed(InboundLink link, boolean broke) {
    inbound.remove(link);
    if (broke) {
      lost(link.from);
    }
  }

  /** Whether the flusher has gone idle (no deferred frame for a while), for tests. */
  boolean flusherIdle() {
    return flusher.idle();
  }

  /** Closes the server and every link; what is in flight is lost. */
  @Override
  public void close() {
    closed = true;
    AuthenticatingAcceptor a = acceptor;
    if (a != null) {
      a.close();
    }
    outbound.values().forEach(OutboundLink::close);
    inbound.forEach(InboundLink::close);
    connector.shutdownNow();
    flusher.close();
    deadlines.close();
  }

  /** What this node's links carried, both ways, since it started (for metrics). */
  public LinkTraffic traffic() {
    return traffic;
  }
}
