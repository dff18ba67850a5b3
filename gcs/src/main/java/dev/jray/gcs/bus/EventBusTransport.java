package dev.jray.gcs.bus;

import dev.jray.gcs.security.FrameSizes;
import dev.jray.gcs.time.Time;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's NIO transport with one change: the clustered event bus's server puts an {@link
 * EventBusFrameLimit} first on every connection it accepts, so a frame longer than {@code
 * -Djray.bus.max-frame-bytes} (8 MiB by default; jray's bus messages are small, large values
 * travel between object stores) closes the connection before it is buffered, as does a
 * connection that sends no whole message for a while; connections waiting for their first
 * message are capped in all and per address ({@link PendingConnections}). Other servers of
 * the same Vert.x are left alone. The bus's server is the one whose options are those Vert.x
 * derives from the {@link EventBusOptions} given here (it builds them from their JSON). With TLS
 * on the bus the limit is not installed: it would see encrypted bytes, and only peers holding the
 * cluster's certificates get to send frames at all.
 *
 * <p>Threading: immutable but for the refusal counters (atomic); Vert.x calls it from its own
 * threads when it binds servers.
 */
public final class EventBusTransport implements Transport {
  /** The system property that sets the largest frame the event bus reads, in bytes. */
  public static final String MAX_FRAME_PROPERTY = "jray.bus.max-frame-bytes";
  static final int DEFAULT_MAX_FRAME_BYTES = 8 << 20;
  /**
   * A node writes its first message as it connects: a stranger's idle connection goes after this.
   * Generous: a loaded node may take seconds to encode that message (a codec's first compilation
   * runs on its event loop), and Vert.x does not recover the connection it opened if it is closed
   * while it writes (its later messages to this node are lost).
   */
  static final Duration FIRST_MESSAGE_WITHIN = Duration.ofSeconds(15);
  /** Refusals are logged in one line at most this often. */
  static final Duration LOG_EVERY = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(EventBusTransport.class);

  private final io.vertx.core.spi.transport.Transport nio = Transport.NIO.implementation();
  private final EventBusOptions bus;
  private final int maxFrameBytes;
  /** How soon after connecting the first message must be whole. */
  private final Duration firstMessageWithin;
  private final Time time;
  private final Refusals refusals;
  /** The bus server's connections that sent no whole message yet; shared by their limits. */
  private final PendingConnections pending = new PendingConnections(
      PendingConnections.DEFAULT_MAX_TOTAL, PendingConnections.DEFAULT_MAX_PER_ADDRESS);

  /**
   * @param bus the event bus's options, read when its server binds (so set them first)
   * @throws IllegalArgumentException naming the property if {@code -Djray.bus.max-frame-bytes}
   *     is not a size
   */
  public EventBusTransport(EventBusOptions bus, Time time) {
    this(bus, maxFrameBytes(System.getProperty(MAX_FRAME_PROPERTY)), FIRST_MESSAGE_WITHIN, time);
  }

  EventBusTransport(EventBusOptions bus, int maxFrameBytes, Duration firstMessageWithin,
      Time time) {
    this.bus = Objects.requireNonNull(bus, "bus");
    this.maxFrameBytes = maxFrameBytes;
    this.firstMessageWithin = Objects.requireNonNull(firstMessageWithin, "firstMessageWithin");
    this.time = Objects.requireNonNull(time, "time");
    this.refusals = new Refusals(time);
  }

  /** The largest frame, from the property's value (see {@link FrameSizes}; default 8 MiB). */
  static int maxFrameBytes(String property) {
    return FrameSizes.maxFrameBytes(MAX_FRAME_PROPERTY, property, DEFAULT_MAX_FRAME_BYTES);
  }

  @Override
  public String name() {
    return "nio";
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public Throwable unavailabilityCause() {
    return null;
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return new Implementation();
  }

  /** Whether a server's options are the event bus's (Vert.x builds them from its JSON). */
  boolean isEventBusServer(NetServerOptions options) {
    JsonObject busServer = new NetServerOptions(bus.toJson()).toJson();
    return !options.isSsl() && options.toJson().equals(busServer);
  }

  /**
   * How long an inbound connection may go without a whole message: three of the sender's ping
   * intervals (Vert.x pings each connection it opened every interval); zero if it never pings.
   */
  private Duration idleAtMost() {
    long ping = bus.getClusterPingInterval();
    return ping > 0 ? Duration.ofMillis(3 * ping) : Duration.ZERO;
  }

  /** Puts a new frame limit first on every connection the server accepts. */
  private void limitFrames(ServerBootstrap server) {
    ChannelHandler vertx = server.config().childHandler();
    server.childHandler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new EventBusFrameLimit(maxFrameBytes, firstMessageWithin,
            idleAtMost(), refusals, pending, time));
        ch.pipeline().addLast(vertx);
      }
    });
  }

  /** The refused connections, logged in one line at most every {@link #LOG_EVERY}. */
  static final class Refusals {
    private final Time time;
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLogAtMs = new AtomicLong(Long.MIN_VALUE);

    Refusals(Time time) {
      this.time = Objects.requireNonNull(time, "time");
    }

    void note(java.net.SocketAddress from, String why) {
      unlogged.incrementAndGet();
      long now = time.milliseconds();
      long next = nextLogAtMs.get();
      if (now >= next && nextLogAtMs.compareAndSet(next, now + LOG_EVERY.toMillis())) {
        LOG.warn("refused " + unlogged.getAndSet(0) + " event-bus connection(s), the latest"
            + " from " + from + ": " + why);
      }
    }
  }

  /** NIO's, with the event bus's server limited. */
  private final class Implementation implements io.vertx.core.spi.transport.Transport {
    @Override
    public boolean supportsDomainSockets() {
      return nio.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return nio.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return nio.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return nio.unavailabilityCause();
    }

    @Override
    public java.net.SocketAddress convert(SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public SocketAddress convert(java.net.SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return nio.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory,
        int ioRatio) {
      return nio.eventLoopGroup(type, threads, factory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return nio.datagramChannel();
    }

    @Override
    @SuppressWarnings("deprecation") // the interface's own signature
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return nio.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return nio.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return nio.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      nio.configure(channel, options);
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket,
        Bootstrap bootstrap) {
      nio.configure(options, connectTimeout, domainSocket, bootstrap);
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket,
        ServerBootstrap bootstrap) {
      nio.configure(options, domainSocket, bootstrap);
      if (isEventBusServer(options)) {
        limitFrames(bootstrap);
      }
    }
  }
}
