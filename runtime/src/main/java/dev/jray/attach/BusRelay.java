package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.BusMessages.Answer;
import dev.jray.attach.BusMessages.Body;
import dev.jray.attach.BusMessages.Delivery;
import dev.jray.attach.BusMessages.DeliveryAnswered;
import dev.jray.attach.BusMessages.DeliveryFailed;
import dev.jray.attach.BusMessages.Failure;
import dev.jray.attach.BusMessages.Forward;
import dev.jray.attach.BusMessages.FromProcess;
import dev.jray.attach.BusMessages.Header;
import dev.jray.attach.BusMessages.Request;
import dev.jray.attach.BusMessages.Subscribe;
import dev.jray.attach.BusMessages.Subscribed;
import dev.jray.attach.BusMessages.Unsubscribe;
import dev.jray.attach.BusMessages.Verb;
import dev.jray.gcs.time.Time;
import dev.jray.link.NodeLinks;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host node's side of the event-bus bridge: puts on the cluster's bus what its attached
 * processes' {@link BusBridge}s forward, and consumes on the cluster's bus, for each process, the
 * addresses it receives, delivering what arrives over the link ({@code sendToProcess}).
 *
 * <ul>
 *   <li>A process's send or publish is sent or published here with the {@link #ORIGIN_HEADER}
 *       naming it; its request is requested here (within the timeout it gave, at most {@link
 *       #MAX_REQUEST_TIMEOUT}), and the reply or failure answers its link request.
 *   <li>A message on an address a process receives goes to it as a {@link Delivery}; a request's
 *       reply comes back as {@link DeliveryAnswered} or {@link DeliveryFailed} and answers the
 *       cluster's requester, else the requester gets a TIMEOUT failure after the delivery
 *       timeout (checked every {@link BusBridge#SWEEP_EVERY} on the injected clock) or a failure
 *       when the process is gone. A publish the process made itself is not delivered back: it
 *       reached the process's consumers there already.
 * </ul>
 *
 * <p>Bounds per process: {@link #MAX_SUBSCRIPTIONS} addresses, {@link #MAX_IN_FLIGHT} requests
 * each way; a process that exceeds them is refused, with a message saying so.
 *
 * <p><b>Threading.</b> {@link #onMessage} is called on the link's reader thread and never
 * blocks: it hands the message to this relay's Vert.x context (the one current when it was
 * built; a fresh event-loop context if none), where all its state lives and its consumers'
 * handlers run, so every field below is owned by that context's event loop unless it says
 * otherwise. {@link #processGone} and {@link #close} may be called on any thread; they hop there
 * too.
 */
public final class BusRelay implements AutoCloseable {
  /** On what the relay puts on the cluster's bus for a process: the process's id (hex). */
  public static final String ORIGIN_HEADER = "jray-bus-origin";
  /** The most addresses the host consumes for one process. */
  public static final int MAX_SUBSCRIPTIONS = 256;
  /** The most requests in flight for one process, each way. */
  public static final int MAX_IN_FLIGHT = 4096;
  /** The longest a process's request may wait on the cluster's bus. */
  public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);
  /** The delivery timeout of {@link #BusRelay(Vertx, BiConsumer)}. */
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(60);
  /** Gone processes remembered (their late messages are refused); the oldest are forgotten. */
  static final int GONE_REMEMBERED = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(BusRelay.class);

  /** One attached process the relay serves. */
  private static final class Guest {
    final UniqueId id;
    final String hex;
    /** Its consumers on the cluster's bus, by address. */
    final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
    /** Its requests on the cluster's bus not yet answered. */
    int requests;
    /** The cluster's requests delivered to it not yet answered. */
    int deliveries;

    Guest(UniqueId id) {
      this.id = id;
      this.hex = id.toHex();
    }
  }

  /** A cluster request delivered to a process, waiting for its answer. */
  private record PendingDelivery(Guest guest, Message<Object> message, String address,
      long deadlineNanos) {}

  private final Vertx vertx;
  /** Where all the state below lives. */
  private final Context context;
  private final BiConsumer<UniqueId, Object> sendToProcess;
  private final BusBodies bodies;
  private final Duration deliveryTimeout;
  private final Time time;
  private final Map<UniqueId, Guest> guests = new HashMap<>();
  private final Map<Long, PendingDelivery> deliveries = new HashMap<>();
  /** Recently gone processes, oldest first. */
  private final LinkedHashSet<UniqueId> gone = new LinkedHashSet<>();
  private long nextDeliveryId;
  private long sweepTimer = -1;
  /** Written on any thread by close; read anywhere. */
  private volatile boolean closed;

  /** A worker processes' relay: {@link BusBodies#workerProcess()}, the system clock. */
  public BusRelay(Vertx vertx, BiConsumer<UniqueId, Object> sendToProcess) {
    this(vertx, sendToProcess, BusBodies.workerProcess(), DEFAULT_DELIVERY_TIMEOUT, Time.SYSTEM);
  }

  /**
   * @param vertx the host's (clustered) Vert.x; the bodies' default codecs must be registered on
   *     it (the node's verticles register them)
   * @param sendToProcess sends a message to a process over its link; never blocks (may throw if
   *     the message is too large for a frame)
   * @param bodies the bodies carried; the processes' bridges must carry the same
   * @param deliveryTimeout how long a request delivered to a process may wait for its answer
   * @param time the clock of that deadline
   */
  public BusRelay(Vertx vertx, BiConsumer<UniqueId, Object> sendToProcess, BusBodies bodies,
      Duration deliveryTimeout, Time time) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.sendToProcess = Objects.requireNonNull(sendToProcess, "sendToProcess");
    this.bodies = Objects.requireNonNull(bodies, "bodies");
    this.time = Objects.requireNonNull(time, "time");
    if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
      throw new IllegalArgumentException("the delivery timeout must be positive: " + deliveryTimeout);
    }
    this.deliveryTimeout = deliveryTimeout;
    this.context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      if (!closed) {
        sweepTimer = vertx.setPeriodic(BusBridge.SWEEP_EVERY.toMillis(), t -> expireDeliveries());
      }
    });
  }

  /**
   * Takes a bridge message from process {@code from}; false for any other message. Called on
   * the link's reader thread; never blocks.
   *
   * @param reply how to answer a link request; null for a one-way message
   */
  public boolean onMessage(UniqueId from, Object message, NodeLinks.Reply reply) {
    if (!(message instanceof FromProcess m)) {
      return false;
    }
    if (closed) {
      fail(reply, "the host's bus relay is closed");
    } else {
      context.runOnContext(v -> handle(from, m, reply));
    }
    return true;
  }

  private void handle(UniqueId from, FromProcess m, NodeLinks.Reply reply) {
    if (closed || gone.contains(from)) {
      fail(reply, "the host's bus relay no longer serves process " + from);
      return;
    }
    try {
      if (m instanceof Subscribe s) {
        subscribe(from, s, reply);
      } else if (m instanceof Unsubscribe u) {
        unsubscribe(from, u);
      } else if (m instanceof Forward f) {
        forward(from, f);
      } else if (m instanceof Request r) {
        request(from, r, reply);
      } else if (m instanceof DeliveryAnswered a) {
        answered(from, a.id(), a.answer(), null);
      } else if (m instanceof DeliveryFailed f) {
        answered(from, f.id(), null, f.failure());
      }
    } catch (RuntimeException e) { // a malformed message, a body without a codec here
      LOG.warn("refused a {} from process {}: {}", m.getClass().getSimpleName(), from,
          e.getMessage());
      fail(reply, "the host refused a " + m.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void subscribe(UniqueId from, Subscribe s, NodeLinks.Reply reply) {
    String address = BusMessages.checkAddress(s.address());
    Guest g = guests.computeIfAbsent(from, Guest::new);
    MessageConsumer<Object> consumer = g.consumers.get(address);
    if (consumer == null) {
      if (g.consumers.size() >= MAX_SUBSCRIPTIONS) {
        throw new IllegalArgumentException("process " + from + " receives " + MAX_SUBSCRIPTIONS
            + " addresses already, the most a process may");
      }
      MessageConsumer<Object> c = vertx.eventBus().consumer(address,
          msg -> onClusterMessage(g, address, msg));
      g.consumers.put(address, c);
      consumer = c;
      c.completion().onFailure(e -> g.consumers.remove(address, c));
    }
    consumer.completion().onComplete(done -> {
      if (reply == null) {
        return;
      }
      if (done.succeeded()) {
        reply.ok(new Subscribed(address));
      } else {
        reply.fail("cannot consume '" + address + "' on the cluster's bus: "
            + done.cause().getMessage());
      }
    });
  }

  private void unsubscribe(UniqueId from, Unsubscribe u) {
    Guest g = guests.get(from);
    MessageConsumer<Object> c = g == null ? null : g.consumers.remove(u.address());
    if (c != null) {
      c.unregister();
    }
  }

  private void forward(UniqueId from, Forward f) {
    String address = BusMessages.checkAddress(f.address());
    Object body = bodies.decode(f.body());
    DeliveryOptions options = clusterOptions(from, f.headers());
    if (f.verb() == Verb.SEND) {
      vertx.eventBus().send(address, body, options);
    } else if (f.verb() == Verb.PUBLISH) {
      vertx.eventBus().publish(address, body, options);
    } else {
      throw new IllegalArgumentException("a forward must send or publish, not " + f.verb());
    }
  }

  private void request(UniqueId from, Request r, NodeLinks.Reply reply) {
    if (reply == null) {
      throw new IllegalArgumentException("a request on '" + r.address() + "' sent one-way");
    }
    String address = BusMessages.checkAddress(r.address());
    Guest g = guests.computeIfAbsent(from, Guest::new);
    if (g.requests >= MAX_IN_FLIGHT) {
      throw new IllegalArgumentException("process " + from + " has " + MAX_IN_FLIGHT
          + " requests on the cluster's bus in flight already, the most a process may");
    }
    Object body = bodies.decode(r.body());
    long timeoutMs = Math.max(1, Math.min(r.timeoutMs(), MAX_REQUEST_TIMEOUT.toMillis()));
    Future<Message<Object>> answer = vertx.eventBus().request(address, body,
        clusterOptions(from, r.headers()).setSendTimeout(timeoutMs));
    g.requests++;
    answer.onComplete(ar -> {
      g.requests--;
      reply.ok(outcome(address, ar));
    });
  }

  /** A reply from the cluster as it crosses the link: an Answer, or a Failure. */
  private Object outcome(String address, AsyncResult<Message<Object>> ar) {
    if (ar.failed()) {
      return BusMessages.failureOf(ar.cause());
    }
    try {
      return new Answer(bodies.encode(ar.result().body()),
          BusMessages.headersOf(ar.result().headers()));
    } catch (IllegalArgumentException e) {
      LOG.warn("the cluster's reply to a request on '{}' cannot be bridged: {}", address,
          e.getMessage());
      return BusMessages.failureOf(e);
    }
  }

  /** A process answered a request delivered to it. */
  private void answered(UniqueId from, long id, Answer answer, Failure failure) {
    PendingDelivery p = deliveries.get(id);
    if (p == null || !p.guest().id.equals(from)) {
      LOG.atDebug().log(() -> "process " + from + " answered delivery " + id
          + ", which no longer waits (timed out, or not its own)");
      return;
    }
    deliveries.remove(id);
    p.guest().deliveries--;
    if (failure != null) {
      p.message().reply(BusMessages.replyException(failure));
      return;
    }
    try {
      p.message().reply(bodies.decode(answer.body()), BusMessages.optionsOf(answer.headers()));
    } catch (RuntimeException e) { // a body that does not decode, or has no codec here
      p.message().reply(new ReplyException(ReplyFailure.ERROR, -1, "the reply of process " + from
          + " to a request on '" + p.address() + "' cannot be delivered: " + e.getMessage()));
    }
  }

  /** A message on an address a process receives; on {@link #context}. */
  private void onClusterMessage(Guest g, String address, Message<Object> m) {
    boolean request = m.isSend() && m.replyAddress() != null;
    if (!m.isSend() && g.hex.equals(m.headers().get(ORIGIN_HEADER))) {
      return; // the process's own publish: its consumers there had it already
    }
    if (closed || g.consumers.get(address) == null) { // unregistered meanwhile
      if (request) {
        m.reply(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "process " + g.id
            + " no longer receives '" + address + "'"));
      }
      return;
    }
    Body body;
    List<Header> headers;
    try {
      body = bodies.encode(m.body());
      headers = BusMessages.headersOf(m.headers());
    } catch (IllegalArgumentException e) {
      LOG.warn("cannot deliver a message on '{}' to process {}: {}", address, g.id, e.getMessage());
      if (request) {
        m.reply(new ReplyException(ReplyFailure.ERROR, -1, "cannot deliver a request on '"
            + address + "' to process " + g.id + ": " + e.getMessage()));
      }
      return;
    }
    if (!request) {
      toProcess(g, new Delivery(0, address, m.isSend() ? Verb.SEND : Verb.PUBLISH, body, headers));
      return;
    }
    if (g.deliveries >= MAX_IN_FLIGHT) {
      m.reply(new ReplyException(ReplyFailure.ERROR, -1, "process " + g.id + " has "
          + MAX_IN_FLIGHT + " requests in flight already; refused one on '" + address + "'"));
      return;
    }
    long id = ++nextDeliveryId;
    deliveries.put(id, new PendingDelivery(g, m, address,
        time.nanoseconds() + deliveryTimeout.toNanos()));
    g.deliveries++;
    if (!toProcess(g, new Delivery(id, address, Verb.REQUEST, body, headers))) {
      deliveries.remove(id);
      g.deliveries--;
      m.reply(new ReplyException(ReplyFailure.ERROR, -1, "cannot deliver a request on '"
          + address + "' to process " + g.id + " over its link"));
    }
  }

  private boolean toProcess(Guest g, Delivery d) {
    try {
      sendToProcess.accept(g.id, d);
      return true;
    } catch (RuntimeException e) { // too large for a frame
      LOG.warn("cannot send a delivery on '{}' to process {}: {}", d.address(), g.id,
          e.getMessage());
      return false;
    }
  }

  /** Fails the requests delivered to processes whose deadline passed; on {@link #context}. */
  void expireDeliveries() {
    long now = time.nanoseconds();
    for (Iterator<PendingDelivery> it = deliveries.values().iterator(); it.hasNext(); ) {
      PendingDelivery p = it.next();
      if (now - p.deadlineNanos() >= 0) {
        it.remove();
        p.guest().deliveries--;
        p.message().reply(new ReplyException(ReplyFailure.TIMEOUT, -1, "process " + p.guest().id
            + " did not answer a request on '" + p.address() + "' within "
            + deliveryTimeout.toMillis() + " ms"));
      }
    }
  }

  /**
   * Process {@code process} is gone: its consumers on the cluster's bus are unregistered, the
   * requests delivered to it fail, and what it still sends is refused. Idempotent; any thread;
   * never blocks (the work runs on the relay's context).
   */
  public void processGone(UniqueId process) {
    Objects.requireNonNull(process, "process");
    context.runOnContext(v -> {
      gone.remove(process);
      gone.add(process);
      if (gone.size() > GONE_REMEMBERED) {
        gone.remove(gone.iterator().next());
      }
      dropGuest(guests.remove(process), "process " + process + " is gone");
    });
  }

  private void dropGuest(Guest g, String why) {
    if (g == null) {
      return;
    }
    g.consumers.values().forEach(MessageConsumer::unregister);
    g.consumers.clear();
    for (Iterator<PendingDelivery> it = deliveries.values().iterator(); it.hasNext(); ) {
      PendingDelivery p = it.next();
      if (p.guest() == g) {
        it.remove();
        p.message().reply(new ReplyException(ReplyFailure.ERROR, -1, why
            + ": its request on '" + p.address() + "' is not answered"));
      }
    }
    g.deliveries = 0;
  }

  /** The addresses the host consumes for {@code process} (for tests and diagnostics). */
  Future<Set<String>> addressesOf(UniqueId process) {
    Promise<Set<String>> addresses = Promise.promise();
    context.runOnContext(v -> {
      Guest g = guests.get(process);
      addresses.complete(g == null ? Set.of() : new TreeSet<>(g.consumers.keySet()));
    });
    return addresses.future();
  }

  /** Unregisters every consumer and fails what waits on a process. Idempotent; any thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    context.runOnContext(v -> {
      if (sweepTimer != -1) {
        vertx.cancelTimer(sweepTimer);
      }
      for (Guest g : List.copyOf(guests.values())) {
        dropGuest(g, "the host's bus relay closed");
      }
      guests.clear();
    });
  }

  /** Options for what the relay puts on the cluster's bus for process {@code from}. */
  private static DeliveryOptions clusterOptions(UniqueId from, List<Header> headers) {
    return BusMessages.optionsOf(headers).addHeader(ORIGIN_HEADER, from.toHex());
  }


  private static void fail(NodeLinks.Reply reply, String why) {
    if (reply != null) {
      reply.fail(why);
    }
  }
}
