package dev.jray.link;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.serialization.Serializer;
import dev.jray.gcs.time.Time;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's direct links to the other nodes: a TCP server other nodes connect to, and one
 * connection to each node this one sends to (so what one node sends another arrives in the
 * order it was sent). Messages are Fory-serialized by the sending thread and written by it when
 * the connection is free (else coalesced with what queues meanwhile); the receiving node's
 * reader thread hands them to its {@link LinkInbox}. Requests are answered on the connection
 * they came in on, matched by id.
 *
 * <p>Failures behave like a bus send to an address nobody listens on: a message to a node that
 * is unknown, gone or unreachable is dropped (requests to it fail), and what was in flight on a
 * connection that breaks is lost. A failed connection is tried again only by a later send, at
 * most once a second, and never once the node is known dead.
 *
 * <p>Threading: thread-safe (concurrent maps; each writer guards itself); sends never wait for a
 * connection. Its threads are daemons named {@code jray-link-...}: connectors (which call the
 * resolver), one reader per link (which runs the inbox and completes request futures) and the
 * flusher.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NodeLinks.class.getName());
  private static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Answers one request; either method once. Thread-safe. */
  public static final class Reply {
    private final InboundLink link;
    private final long id;
    private final Serializer serializer;

    private Reply(InboundLink link, long id, Serializer serializer) {
      this.link = link;
      this.id = id;
      this.serializer = serializer;
    }

    public void ok(Object value) {
      link.replies.send(Frames.REPLY, id, serializer.serialize(value));
    }

    public void fail(String error) {
      link.replies.send(Frames.REPLY_FAILED, id, error.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Pending(UniqueId node, CompletableFuture<Object> future) {}

  final UniqueId self;
  /** The clock of deferred frames and of the retry back-off. */
  final Time time;
  private final Serializer serializer;
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
  private volatile ServerSocketChannel server;
  private volatile boolean closed;

  /**
   * @param self this node
   * @param loader the class loader messages are read with
   * @param resolver where a node listens, or null if it is unknown or gone; may block (it is
   *     called on a connector thread)
   * @param inbox what messages to this node go to
   */
  public NodeLinks(UniqueId self, Serializer serializer, ClassLoader loader,
      Function<UniqueId, InetSocketAddress> resolver, LinkInbox inbox) {
    this(self, serializer, loader, resolver, inbox, Time.SYSTEM);
  }

  /** As above, on {@code time}: a test sees the retry back-off pass without waiting for it. */
  public NodeLinks(UniqueId self, Serializer serializer, ClassLoader loader,
      Function<UniqueId, InetSocketAddress> resolver, LinkInbox inbox, Time time) {
    this.self = Objects.requireNonNull(self, "self");
    this.time = Objects.requireNonNull(time, "time");
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
    s.bind(new InetSocketAddress(host, 0));
    server = s;
    daemon(this::accept, "jray-link-accept-").start();
    return ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  private void accept() {
    ServerSocketChannel s = server;
    while (!closed) {
      try {
        SocketChannel ch = s.accept();
        InboundLink link = new InboundLink(ch, this);
        inbound.add(link);
        if (closed) {
          link.close();
        } else {
          daemon(link, "jray-link-in-").start();
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "accepting a link failed", e);
        }
        if (!s.isOpen()) {
          return;
        }
      }
    }
  }

  /**
   * Sends a message to a node; never waits for the connection to open. Dropped if the node is
   * unknown, gone or unreachable. The message may wait for more from this thread to the same
   * node, until the thread calls {@link #flushCurrentThread} (before it blocks or idles), a batch
   * is full, or about a millisecond passes. On a Vert.x event loop, which never blocks, it waits
   * only until the event loop's current task ends.
   */
  public void send(UniqueId node, Object message) {
    LinkWriter writer = linkTo(node).writer;
    if (!writer.defer(Frames.MESSAGE, 0, serializer.serialize(message))) {
      LOG.fine(() -> "dropped a message to node " + node + ": its link failed");
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
    if (!linkTo(node).writer.send(Frames.REQUEST, id, serializer.serialize(message))) {
      f.completeExceptionally(new IOException("node " + node + " cannot be reached"));
    }
    return f;
  }

  private OutboundLink linkTo(UniqueId node) {
    OutboundLink link = outbound.get(node);
    if (link != null && !(link.writer.failed() && link.ageNanos() > RETRY_AFTER_NANOS
        && !dead.contains(node) && !closed)) {
      return link;
    }
    OutboundLink fresh = new OutboundLink(node, this);
    OutboundLink won = link == null ? outbound.putIfAbsent(node, fresh)
        : outbound.replace(node, link, fresh) ? null : outbound.get(node);
    if (won != null) {
      return won;
    }
    if (closed || dead.contains(node)) {
      fresh.close();
    } else {
      connector.execute(() -> fresh.connect(resolver.apply(node)));
    }
    return fresh;
  }

  /** A node left the cluster: its link closes and is never opened again. */
  public void onNodeDied(UniqueId node) {
    dead.add(node);
    OutboundLink link = outbound.get(node);
    if (link != null) {
      link.close();
    }
  }

  void onLinkFailed(OutboundLink link, IOException cause) {
    // a node that stops or dies closes its links: membership reports it, this is routine
    LOG.fine(() -> "the link to node " + link.node + " failed: " + cause.getMessage());
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (e.getValue().node().equals(link.node)) {
        e.getValue().future().completeExceptionally(new IOException("the link to node "
            + link.node + " failed: " + cause.getMessage(), cause));
      }
    }
  }

  /** A frame from {@code from} on an inbound link; on its reader thread. */
  void onFrame(UniqueId from, Frames.Frame frame, InboundLink link) {
    if (frame.kind() != Frames.MESSAGE && frame.kind() != Frames.REQUEST) {
      LOG.warning("node " + from + " sent a frame of kind " + frame.kind() + " on its link");
      return;
    }
    Reply reply = frame.kind() == Frames.REQUEST ? new Reply(link, frame.id(), serializer) : null;
    try {
      inbox.onMessage(from, serializer.deserialize(frame.payload(), loader), reply);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "handling a message from node " + from, e);
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

  void onInboundClosed(InboundLink link) {
    inbound.remove(link);
  }

  /** Whether the flusher has gone idle (no deferred frame for a while), for tests. */
  boolean flusherIdle() {
    return flusher.idle();
  }

  /** Closes the server and every link; what is in flight is lost. */
  @Override
  public void close() {
    closed = true;
    ServerSocketChannel s = server;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.log(Level.FINE, "closing the link server", e);
      }
    }
    outbound.values().forEach(OutboundLink::close);
    inbound.forEach(InboundLink::close);
    connector.shutdownNow();
    flusher.close();
  }
}
