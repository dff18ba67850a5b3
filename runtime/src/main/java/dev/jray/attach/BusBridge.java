package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.BusMessages.Answer;
import dev.jray.attach.BusMessages.Body;
import dev.jray.attach.BusMessages.Delivery;
import dev.jray.attach.BusMessages.DeliveryAnswered;
import dev.jray.attach.BusMessages.DeliveryFailed;
import dev.jray.attach.BusMessages.Failure;
import dev.jray.attach.BusMessages.Forward;
import dev.jray.attach.BusMessages.Header;
import dev.jray.attach.BusMessages.Request;
import dev.jray.attach.BusMessages.Subscribe;
import dev.jray.attach.BusMessages.Unsubscribe;
import dev.jray.attach.BusMessages.Verb;
import dev.jray.gcs.time.Time;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attached process's side of the event-bus bridge: its Vert.x is not clustered, so its bus
 * reaches only its own JVM; this bridge carries the few conversations it has with the cluster
 * over its link to its host, whose {@link BusRelay} puts them on the cluster's bus.
 *
 * <ul>
 *   <li>{@link #forwardToHost}: what the process's code sends, publishes or requests on the
 *       address goes to the host, which sends, publishes or requests it on the cluster's bus; a
 *       request's reply, or its failure (type, code and message), comes back to the requester.
 *       A publish also reaches the process's own consumers of the address, as a clustered
 *       publish would; a send or a request goes to the cluster only.
 *   <li>{@link #receiveFromCluster}: the host consumes the address on the cluster's bus for
 *       this process and forwards each message ({@link #onMessage}); the bridge sends, publishes
 *       or requests it here, and a request's reply (or failure) goes back to the cluster's
 *       requester.
 * </ul>
 *
 * <p><b>Send, publish or request.</b> Forwarding is an outbound interceptor, not a consumer: it
 * sees every message put on the bus here, with {@link DeliveryContext#send()} telling a send
 * from a publish and the reply address telling a request, whether or not this JVM consumes the
 * address; it keeps a send or request from ever reaching a local consumer (a consumer of the
 * bridge's own would compete with the process's consumers for point-to-point messages, as
 * Vert.x round-robins a send among an address's local handlers) and answers a request through
 * the intercepted message's {@code reply}. Local deliveries use the public API only, so no
 * codec lookup: bodies are written by {@link BusBodies}.
 *
 * <p><b>No loops.</b> What the bridge delivers here carries the {@link #BRIDGED_HEADER} header,
 * and the interceptor lets such messages by: a publish address both received and forwarded is
 * not published back to the cluster. The host, for its part, does not deliver back a publish
 * the process made ({@link BusRelay#ORIGIN_HEADER}).
 *
 * <p><b>Timeouts.</b> Every request to the host (a bridged request, a subscription) fails with
 * a {@link TimeoutException} naming what it asked if the host does not answer within the
 * request timeout, on the injected clock, checked every {@link #SWEEP_EVERY} by a Vert.x timer;
 * a bridged request's requester then gets a {@link ReplyException} of type TIMEOUT. A request
 * the host delivers here waits that long for the local consumer's reply.
 *
 * <p><b>Threading.</b> Thread-safe. The interceptor runs on whatever thread sends (an event
 * loop, a worker, a task's thread); it encodes the body there and hands it to the {@link
 * HostChannel}, which never blocks. {@link #onMessage} is called on the link's reader thread and
 * never blocks: it hops to this bridge's Vert.x context, where deliveries and answers to local
 * requesters run, in the order the host sent them. State is in concurrent sets and maps, each
 * field saying who writes it.
 *
 * <p>A forwarded send made through a {@code MessageProducer} never completes its write future
 * (an interceptor cannot complete it without passing the message on locally); jray sends with
 * {@code EventBus.send}, which has none.
 */
public final class BusBridge implements AutoCloseable {
  /** Marks a message the bridge delivered here: it is never forwarded back to the host. */
  public static final String BRIDGED_HEADER = "jray-bus-bridged";
  /** How often requests to the host are checked for their deadline. */
  public static final Duration SWEEP_EVERY = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(BusBridge.class);

  /** A request to the host that has not been answered. */
  private record HostRequest(String what, long deadlineNanos, CompletableFuture<Object> answer) {}

  private final Vertx vertx;
  /** Where deliveries and answers to local requesters run: one event loop, in order. */
  private final Context context;
  private final HostChannel host;
  private final BusBodies bodies;
  private final Duration timeout;
  private final Time time;
  private final Handler<DeliveryContext<Object>> interceptor = this::onOutbound;
  /** Addresses forwarded to the host: written by {@link #forwardToHost}, read by the interceptor. */
  private final Set<String> forwarded = ConcurrentHashMap.newKeySet();
  /** Addresses received from the cluster: written by {@link #receiveFromCluster} and close. */
  private final Set<String> received = ConcurrentHashMap.newKeySet();
  /**
   * Requests to the host not yet answered, by a local id: added by the thread that asks, removed
   * when the answer future completes (by the link's reader, the sweep's timeout or close).
   */
  private final ConcurrentHashMap<Long, HostRequest> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong();
  /** The Vert.x timer that runs {@link #expireRequests}. */
  private final long sweepTimer;
  /** Set once, by {@link #close} on any thread; read everywhere. */
  private volatile boolean closed;

  /** A worker process's bridge: {@link BusBodies#workerProcess()} bodies, the system clock. */
  public BusBridge(Vertx vertx, HostChannel host, Duration requestTimeout) {
    this(vertx, host, BusBodies.workerProcess(), requestTimeout, Time.SYSTEM);
  }

  /**
   * Installs the bridge's outbound interceptor on {@code vertx}'s bus (nothing is forwarded
   * until {@link #forwardToHost}) and its deadline sweep.
   *
   * @param vertx the process's (non-clustered) Vert.x; the bodies' default codecs must be
   *     registered on it for local delivery (the node's verticles register them)
   * @param host the process's link to its host
   * @param bodies the bodies carried; the host's relay must carry the same
   * @param requestTimeout how long a request to the host, and a delivered request's local
   *     consumer, may take
   * @param time the clock of those deadlines
   */
  public BusBridge(Vertx vertx, HostChannel host, BusBodies bodies, Duration requestTimeout,
      Time time) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.host = Objects.requireNonNull(host, "host");
    this.bodies = Objects.requireNonNull(bodies, "bodies");
    this.time = Objects.requireNonNull(time, "time");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("the request timeout must be positive: " + requestTimeout);
    }
    this.timeout = requestTimeout;
    this.context = vertx.getOrCreateContext();
    vertx.eventBus().addOutboundInterceptor(interceptor);
    this.sweepTimer = vertx.setPeriodic(SWEEP_EVERY.toMillis(), t -> expireRequests());
  }

  /**
   * From now on, what this process sends, publishes or requests on {@code address} goes to the
   * cluster through the host. Completes at once (nothing is registered anywhere).
   */
  public Future<Void> forwardToHost(String address) {
    try {
      BusMessages.checkAddress(address);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the bus bridge is closed"));
    }
    forwarded.add(address);
    return Future.succeededFuture();
  }

  /**
   * Asks the host to consume {@code address} on the cluster's bus for this process and forward
   * what arrives; completes once the host's consumer is registered in the cluster, or fails
   * (the host refused, the link failed, or no answer within the request timeout).
   */
  public Future<Void> receiveFromCluster(String address) {
    try {
      BusMessages.checkAddress(address);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    received.add(address);
    CompletableFuture<Void> subscribed = requestHost(new Subscribe(address),
        "the subscription to '" + address + "'").handle((answer, failure) -> {
          if (failure != null) {
            received.remove(address);
            throw new CompletionException(new IllegalStateException("the host did not consume '"
                + address + "' for this process: " + unwrap(failure).getMessage(), unwrap(failure)));
          }
          return null;
        });
    return Future.fromCompletionStage(subscribed, context);
  }

  /** Forwards and receives every address of {@code addresses}; completes once all are set up. */
  public Future<Void> bridge(BusAddresses addresses) {
    List<Future<Void>> all = new ArrayList<>();
    addresses.forwarded().forEach(a -> all.add(forwardToHost(a)));
    addresses.received().forEach(a -> all.add(receiveFromCluster(a)));
    return Future.all(all).mapEmpty();
  }

  /**
   * The process moved to a new host (its channel leads there now): the new host is asked to
   * consume every address this process receives; completes once it does for all.
   */
  public Future<Void> moved() {
    List<Future<Void>> all = new ArrayList<>();
    List.copyOf(received).forEach(a -> all.add(receiveFromCluster(a)));
    return Future.all(all).mapEmpty();
  }

  /** {@link #bridge} of {@link BusAddresses#workerProcess}: a worker process's conversations. */
  public Future<Void> bridgeWorkerProcess(UniqueId self) {
    return bridge(BusAddresses.workerProcess(self));
  }

  /**
   * Takes a bridge message the host sent this process ({@link Delivery}); false for any other
   * message. Called on the link's reader thread; never blocks.
   */
  public boolean onMessage(Object message) {
    if (!(message instanceof Delivery d)) {
      return false;
    }
    context.runOnContext(v -> deliver(d));
    return true;
  }

  /** Delivers what the cluster put on a received address; on {@link #context}. */
  private void deliver(Delivery d) {
    boolean request = d.verb() == Verb.REQUEST;
    Object body;
    DeliveryOptions options;
    try {
      if (closed || !received.contains(BusMessages.checkAddress(d.address()))) {
        throw new IllegalStateException("this process no longer receives '"
            + BusMessages.printable(d.address()) + "' through its host");
      }
      body = bodies.decode(d.body());
      options = BusMessages.optionsOf(d.headers()).addHeader(BRIDGED_HEADER, "1");
    } catch (RuntimeException e) {
      LOG.atDebug().log(() -> "dropped a delivery on '" + d.address() + "': " + e.getMessage());
      if (request) {
        answerDelivery(d.id(), failure(ReplyFailure.NO_HANDLERS, e));
      }
      return;
    }
    try {
      switch (d.verb()) {
        case SEND -> vertx.eventBus().send(d.address(), body, options);
        case PUBLISH -> vertx.eventBus().publish(d.address(), body, options);
        case REQUEST -> vertx.eventBus().request(d.address(), body,
                options.setSendTimeout(timeout.toMillis()))
            .onComplete(reply -> answerDelivery(d.id(), reply));
      }
    } catch (RuntimeException e) { // no codec for the body here
      LOG.warn("cannot deliver a {} body on '{}' in this process: {}",
          body == null ? "null" : body.getClass().getName(), d.address(), e.getMessage());
      if (request) {
        answerDelivery(d.id(), failure(ReplyFailure.ERROR, e));
      }
    }
  }

  /** Sends the host the outcome of delivered request {@code id}; on {@link #context}. */
  private void answerDelivery(long id, AsyncResult<Message<Object>> reply) {
    Object outcome;
    if (reply.failed()) {
      outcome = new DeliveryFailed(id, BusMessages.failureOf(reply.cause()));
    } else {
      try {
        Message<Object> m = reply.result();
        outcome = new DeliveryAnswered(id, new Answer(bodies.encode(m.body()),
            BusMessages.headersOf(m.headers())));
      } catch (IllegalArgumentException e) {
        LOG.warn("the reply to a request the cluster made of this process cannot be bridged: {}",
            e.getMessage());
        outcome = new DeliveryFailed(id, BusMessages.failureOf(e));
      }
    }
    toHost(outcome);
  }

  /** The outbound interceptor; on the sending thread. */
  private void onOutbound(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (closed || !forwarded.contains(m.address()) || m.headers().contains(BRIDGED_HEADER)) {
      ctx.next();
      return;
    }
    boolean request = ctx.send() && m.replyAddress() != null;
    if (!ctx.send()) {
      ctx.next(); // a publish reaches this process's consumers too, as a clustered one would
    }
    Body body;
    List<Header> headers;
    try {
      body = bodies.encode(ctx.body());
      headers = BusMessages.headersOf(m.headers());
    } catch (IllegalArgumentException e) {
      LOG.warn("cannot forward a message on '{}' to the host: {}", m.address(), e.getMessage());
      if (request) {
        m.reply(new ReplyException(ReplyFailure.ERROR, -1, "cannot forward a request on '"
            + m.address() + "' to the host: " + e.getMessage()));
      }
      return;
    }
    if (!request) {
      toHost(new Forward(m.address(), ctx.send() ? Verb.SEND : Verb.PUBLISH, body, headers));
      return;
    }
    requestHost(new Request(m.address(), body, headers, timeout.toMillis()),
        "a request on '" + m.address() + "'")
        .whenComplete((answer, failure) -> context.runOnContext(v -> answerLocal(m, answer, failure)));
  }

  /** Answers a local requester with the host's outcome; on {@link #context}. */
  private void answerLocal(Message<Object> m, Object answer, Throwable failure) {
    if (failure != null) {
      Throwable e = unwrap(failure);
      m.reply(new ReplyException(e instanceof TimeoutException ? ReplyFailure.TIMEOUT
          : ReplyFailure.ERROR, -1, e instanceof TimeoutException ? e.getMessage()
          : "a request on '" + m.address() + "' did not reach the cluster through the host: "
          + e.getMessage()));
    } else if (answer instanceof Failure f) {
      m.reply(BusMessages.replyException(f));
    } else if (answer instanceof Answer a) {
      try {
        m.reply(bodies.decode(a.body()), BusMessages.optionsOf(a.headers()));
      } catch (RuntimeException e) { // a body that does not decode, or has no codec here
        m.reply(new ReplyException(ReplyFailure.ERROR, -1, "the cluster's reply to a request on '"
            + m.address() + "' cannot be delivered in this process: " + e.getMessage()));
      }
    } else {
      m.reply(new ReplyException(ReplyFailure.ERROR, -1, "the host answered a request on '"
          + m.address() + "' with a " + (answer == null ? "null" : answer.getClass().getName())));
    }
  }

  /** Asks the host; the answer fails with a TimeoutException after the request timeout. */
  private CompletableFuture<Object> requestHost(Object message, String what) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the bus bridge is closed"));
    }
    CompletableFuture<Object> answer;
    try {
      answer = host.request(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long id = nextRequestId.incrementAndGet();
    pending.put(id, new HostRequest(what, time.nanoseconds() + timeout.toNanos(), answer));
    answer.whenComplete((v, e) -> pending.remove(id));
    return answer;
  }

  private void toHost(Object message) {
    try {
      host.send(message);
    } catch (RuntimeException e) { // too large for a frame, or the channel is gone
      LOG.warn("cannot send a {} to the host: {}", message.getClass().getSimpleName(),
          e.getMessage());
    }
  }

  /**
   * Fails the requests to the host whose deadline passed, completing their futures (so the
   * channel forgets them too). Called by the sweep timer; thread-safe.
   *
   * @return how many timed out
   */
  int expireRequests() {
    long now = time.nanoseconds();
    int expired = 0;
    for (HostRequest r : pending.values()) {
      if (now - r.deadlineNanos() >= 0 && r.answer().completeExceptionally(new TimeoutException(
          "no answer from the host to " + r.what() + " within " + timeout.toMillis() + " ms"))) {
        expired++;
      }
    }
    return expired;
  }

  /** Requests to the host not answered yet, for tests. */
  int pendingRequests() {
    return pending.size();
  }

  /**
   * Stops bridging: removes the interceptor, tells the host to stop consuming for this process
   * (best effort: the host also drops a gone process's consumers), and fails what waits for the
   * host. Idempotent; thread-safe.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(sweepTimer);
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    for (String address : List.copyOf(received)) {
      received.remove(address);
      toHost(new Unsubscribe(address));
    }
    forwarded.clear();
    for (HostRequest r : List.copyOf(pending.values())) {
      r.answer().completeExceptionally(new IllegalStateException("the bus bridge closed before"
          + " the host answered " + r.what()));
    }
  }


  private static Failure failure(ReplyFailure type, Exception e) {
    return new Failure(type.toInt(), -1, BusMessages.cut(e.getMessage()));
  }

  private void answerDelivery(long id, Failure failure) {
    toHost(new DeliveryFailed(id, failure));
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public String toString() {
    return "BusBridge(forwarded " + forwarded + ", received " + received + ", "
        + pending.size() + " requests pending, timeout " + timeout.toMillis() + " ms)";
  }
}
