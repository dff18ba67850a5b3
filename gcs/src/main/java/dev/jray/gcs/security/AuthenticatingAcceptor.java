package dev.jray.gcs.security;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.time.Time;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a server socket and hands on only those whose peer passes the {@link
 * Handshake} within the deadline, over mutual TLS when {@link TlsSettings} are given (the TLS
 * handshake first, within the same deadline). A connection that has sent nothing yet waits in a
 * selector and costs no thread; once it sends, a small pool runs its handshake. Connections still
 * authenticating are capped in all and per peer address, so a flood of idle or slow connections
 * costs file descriptors up to the cap, never threads, and lasts no longer than the deadline. At a
 * cap, the connection that has waited longest without sending anything makes room for the new
 * one, so idle connections cannot keep out real peers (which send at once), even from the same
 * address; only when none is idle is the new one refused. A refusal is one log line
 * ("link from 127.0.0.1:50342 refused: it did not prove the cluster token"), at most one a
 * second, with a count of those not logged.
 *
 * <p>Threading: thread-safe. One thread ({@code jray-<service>-accept-<port>}) accepts and
 * selects; {@link Limits#handshakeThreads} pool threads run handshakes and call {@link
 * Authenticated#accept}; the counts of pending connections are guarded by this object's
 * monitor; the deadlines are closed by the given {@link ChannelDeadlines}.
 */
public final class AuthenticatingAcceptor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthenticatingAcceptor.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The cap a new connection reached. */
  private enum Cap { TOTAL, PER_ADDRESS }

  /** What an acceptor allows connections that have not authenticated yet. */
  public record Limits(Duration handshakeTimeout, int maxPending, int maxPendingPerAddress,
      int handshakeThreads) {
    public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), 256, 64, 8);

    public Limits {
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || maxPending < 1
          || maxPendingPerAddress < 1 || handshakeThreads < 1) {
        throw new IllegalArgumentException("handshake limits must be positive: " + handshakeTimeout
            + ", " + maxPending + ", " + maxPendingPerAddress + ", " + handshakeThreads);
      }
    }
  }

  /** Takes a connection whose peer proved the token. */
  @FunctionalInterface
  public interface Authenticated {
    /**
     * Called on a handshake thread with the connection in blocking mode; must hand it on without
     * blocking for long (other handshakes wait for the thread).
     *
     * @param socket the connection, for its options and to close it
     * @param channel what to read and write: {@code socket} itself, or TLS over it
     * @throws IOException to have the connection closed
     */
    void accept(SocketChannel socket, ByteChannel channel, UniqueId peer) throws IOException;
  }

  private final String service;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final Handshake handshake;
  /** Null: plain TCP. */
  private final TlsSettings tls;
  private final UniqueId self;
  private final Time time;
  private final Limits limits;
  private final ChannelDeadlines deadlines;
  private final Authenticated onAuthenticated;
  private final ThreadPoolExecutor handshakes;
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
  /** Pending connections that have sent nothing yet, the longest waiting first. */
  private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
  /** Pending connections per peer address and in all; guarded by this. */
  private final Map<InetAddress, Integer> pendingPerAddress = new HashMap<>();
  private int pendingTotal;
  /** When a refusal was last logged, and how many were not logged since; guarded by this. */
  private long lastLoggedNanos = Long.MIN_VALUE;
  private int unlogged;
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean closed;

  /**
   * Starts accepting on {@code server}, which it takes over (closing it on {@link #close}).
   *
   * @param service what the socket carries, for thread names and log lines ("link")
   * @param tls mutual TLS beneath the handshake; null for plain TCP
   * @param self the node id this side proves
   */
  public AuthenticatingAcceptor(String service, ServerSocketChannel server, Handshake handshake,
      TlsSettings tls, UniqueId self, Time time, Limits limits, ChannelDeadlines deadlines,
      Authenticated onAuthenticated) throws IOException {
    this.service = Objects.requireNonNull(service, "service");
    this.server = Objects.requireNonNull(server, "server");
    this.handshake = Objects.requireNonNull(handshake, "handshake");
    this.tls = tls;
    this.self = Objects.requireNonNull(self, "self");
    this.time = Objects.requireNonNull(time, "time");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
    this.onAuthenticated = Objects.requireNonNull(onAuthenticated, "onAuthenticated");
    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    AtomicInteger threads = new AtomicInteger();
    handshakes = new ThreadPoolExecutor(limits.handshakeThreads(), limits.handshakeThreads(), 10,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> daemon(r,
            "jray-" + service + "-handshake-" + port + "-" + threads.incrementAndGet()));
    handshakes.allowCoreThreadTimeOut(true);
    selector = Selector.open();
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    daemon(this::run, "jray-" + service + "-accept-" + port).start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Connections refused so far (bad handshake, deadline, caps), for tests and stats. */
  public long refused() {
    return refused.get();
  }

  /** Connections accepted and not yet authenticated or refused. */
  public synchronized int pending() {
    return pendingTotal;
  }

  private void run() {
    List<Pending> ready = new ArrayList<>();
    try {
      while (!closed) {
        selector.select();
        do {
          for (SelectionKey key : selector.selectedKeys()) {
            if (key.isValid() && key.isAcceptable()) {
              acceptAll();
            } else if (key.isValid() && key.isReadable()) {
              key.cancel();
              ready.add((Pending) key.attachment());
            }
          }
          selector.selectedKeys().clear();
          if (ready.isEmpty()) {
            break;
          }
          selector.selectNow(); // deregisters the cancelled keys: their channels may block now
          ready.forEach(this::startHandshake);
          ready.clear();
        } while (!selector.selectedKeys().isEmpty());
      }
    } catch (IOException | ClosedSelectorException e) {
      if (!closed) {
        LOG.warn("the " + service + " server stopped accepting", e);
      }
    }
  }

  private void acceptAll() {
    while (!closed) {
      SocketChannel ch;
      InetSocketAddress from;
      try {
        ch = server.accept();
        if (ch == null) {
          return;
        }
        from = (InetSocketAddress) ch.getRemoteAddress();
      } catch (IOException e) {
        LOG.warn("accepting a " + service + " connection failed", e);
        return; // the selector reports the server again while connections wait
      }
      Cap over = reserve(from.getAddress());
      if (over != null && crowdOut(over == Cap.TOTAL ? null : from.getAddress())) {
        over = reserve(from.getAddress());
      }
      if (over != null) {
        closeQuietly(ch);
        refuse(from, over == Cap.TOTAL ? limits.maxPending()
            + " connections are still authenticating" : limits.maxPendingPerAddress()
            + " connections from " + from.getAddress().getHostAddress()
            + " are still authenticating");
        continue;
      }
      Pending p = new Pending(ch, from);
      pending.add(p);
      waiting.add(p);
      try {
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, p);
        p.deadline = deadlines.closeAfter(limits.handshakeTimeout(), p);
      } catch (IOException | RuntimeException e) {
        p.finish(closed ? null : "accepting failed: " + e);
      }
    }
  }

  /** Counts a new pending connection; returns which cap is reached if one is. */
  private synchronized Cap reserve(InetAddress address) {
    int fromAddress = pendingPerAddress.getOrDefault(address, 0);
    if (pendingTotal >= limits.maxPending()) {
      return Cap.TOTAL;
    }
    if (fromAddress >= limits.maxPendingPerAddress()) {
      return Cap.PER_ADDRESS;
    }
    pendingPerAddress.put(address, fromAddress + 1);
    pendingTotal++;
    return null;
  }

  /**
   * Closes the connection that has waited longest without sending anything, from {@code
   * address} (any if null), to make room. On the accepting thread.
   *
   * @return false if none is idle
   */
  private boolean crowdOut(InetAddress address) {
    for (Pending p : waiting) {
      if ((address == null || p.from.getAddress().equals(address))
          && p.state.compareAndSet(Pending.WAITING, Pending.DONE)) {
        waiting.remove(p);
        p.finish("it sent nothing while newer connections came in");
        return true;
      }
    }
    return false;
  }

  private synchronized void unreserve(InetAddress address) {
    pendingPerAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    pendingTotal--;
  }

  private void startHandshake(Pending p) {
    if (!p.state.compareAndSet(Pending.WAITING, Pending.HANDSHAKING)) {
      return; // its deadline passed meanwhile
    }
    waiting.remove(p);
    try {
      p.channel.configureBlocking(true);
      handshakes.execute(() -> handshake(p));
    } catch (IOException | RuntimeException e) {
      p.finish(closed ? null : "accepting failed: " + e);
    }
  }

  private void handshake(Pending p) {
    UniqueId peer;
    ByteChannel channel;
    try {
      channel = tls == null ? p.channel
          : TlsChannel.server(p.channel, tls, (int) limits.handshakeTimeout().toMillis());
      peer = handshake.asServer(channel, self);
    } catch (IOException | RuntimeException e) {
      p.finish(p.deadline.expired() ? timedOut() : e instanceof SSLException
          ? "its TLS handshake failed: " + e.getMessage() : String.valueOf(e.getMessage()));
      return;
    }
    p.deadline.close();
    if (p.deadline.expired()) {
      p.finish(timedOut());
      return;
    }
    pending.remove(p);
    unreserve(p.from.getAddress());
    try {
      onAuthenticated.accept(p.channel, channel, peer);
    } catch (IOException | RuntimeException e) {
      closeQuietly(p.channel);
      String failed = service + " from " + address(p.from) + " failed once authenticated: " + e;
      if (closed) {
        LOG.debug(failed);
      } else {
        LOG.warn(failed);
      }
    }
  }

  private String timedOut() {
    return "it did not finish the handshake within " + limits.handshakeTimeout().toMillis()
        + " ms";
  }

  /** Logs (rate-limited), then counts, so a counted refusal's line is already written. */
  private void refuse(InetSocketAddress from, String reason) {
    try {
      if (!closed) {
        logRefusal(from, reason);
      }
    } finally {
      refused.incrementAndGet();
    }
  }

  private void logRefusal(InetSocketAddress from, String reason) {
    int notLogged;
    synchronized (this) {
      long now = time.nanoseconds();
      if (lastLoggedNanos != Long.MIN_VALUE && now - lastLoggedNanos < LOG_EVERY_NANOS) {
        unlogged++;
        return;
      }
      lastLoggedNanos = now;
      notLogged = unlogged;
      unlogged = 0;
    }
    LOG.warn(service + " from " + address(from) + " refused: " + reason
        + (notLogged > 0 ? " (" + notLogged + " more refused and not logged)" : ""));
  }

  private static String address(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Stops accepting and closes every connection not yet authenticated. */
  @Override
  public void close() {
    closed = true;
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing the {} selector", service, e);
    }
    closeQuietly(server);
    pending.forEach(Pending::close);
    handshakes.shutdownNow();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("closing a connection", e);
    }
  }

  /** A connection not yet authenticated; closing it (its deadline) refuses it. */
  private final class Pending implements Closeable {
    static final int WAITING = 0;
    static final int HANDSHAKING = 1;
    static final int DONE = 2;

    final SocketChannel channel;
    final InetSocketAddress from;
    final AtomicInteger state = new AtomicInteger(WAITING);
    volatile ChannelDeadlines.Deadline deadline;

    Pending(SocketChannel channel, InetSocketAddress from) {
      this.channel = channel;
      this.from = from;
    }

    /** The deadline passed, or the acceptor closes. */
    @Override
    public void close() {
      if (state.compareAndSet(WAITING, DONE)) {
        waiting.remove(this);
        finish(closed ? null : "it sent nothing within " + limits.handshakeTimeout().toMillis()
            + " ms");
        selector.wakeup(); // its key goes at the next select, and with it the socket
      } else {
        closeQuietly(channel); // its handshake thread sees the read fail and refuses it
      }
    }

    /** Closes and uncounts it; logs the refusal unless {@code reason} is null. */
    void finish(String reason) {
      state.set(DONE);
      if (deadline != null) {
        deadline.close();
      }
      closeQuietly(channel);
      if (pending.remove(this)) {
        unreserve(from.getAddress());
        if (reason != null) {
          refuse(from, reason);
        } else {
          refused.incrementAndGet();
        }
      }
    }
  }
}
