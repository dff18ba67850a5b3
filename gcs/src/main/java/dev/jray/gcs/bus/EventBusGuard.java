package dev.jray.gcs.bus;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.Time;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.shareddata.LocalMap;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof of the cluster token on every event-bus message. An outbound interceptor puts, in the
 * {@value #PROOF_HEADER} header, the send time and an HMAC-SHA256 of the address and that time
 * under a key derived from the token (never the token); an inbound interceptor drops, before any
 * handler sees it, every message whose proof is missing, malformed, wrong or more than {@link
 * #MAX_CLOCK_SKEW} away from this clock, fails its reply (if it asked for one) with a {@link
 * ReplyException} saying why, and logs one line at most every {@link #LOG_EVERY}.
 *
 * <p>The proof shows that the sender holds the token and binds it to the address; it does not
 * cover the body, so someone who can capture and alter the cluster's traffic could replay a
 * message with another body within the skew window: that needs TLS (or a trusted network).
 *
 * <p>Threading: installed once per Vert.x; the interceptors run on whatever thread sends or
 * delivers (event loops, workers, the cluster's threads). Each thread has its own {@link Mac}
 * (thread-confined); the refusal counters are atomic; everything else is immutable.
 */
public final class EventBusGuard {
  /** The header that carries the proof: {@code <send time ms>.<base64url HMAC>}. */
  public static final String PROOF_HEADER = "jray-proof";
  /** The failure code of the reply to a refused message. */
  public static final int REFUSED = 401;
  /** How far a proof's time may be from the receiver's clock (the nodes' clocks differ a little). */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  /** Refusals are logged in one line at most this often. */
  public static final Duration LOG_EVERY = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(EventBusGuard.class);
  private static final String PURPOSE = "event-bus-proof";
  private static final String HMAC = "HmacSHA256";
  /** A time in ms (13 digits), a dot, 43 base64 characters: anything much longer is not a proof. */
  private static final int MAX_PROOF_CHARS = 80;
  private static final String INSTALLED = "jray.event-bus-guard";

  private final ThreadLocal<Mac> macs;
  private final Time time;
  /** Refusals not yet logged. */
  private final AtomicLong unlogged = new AtomicLong();
  /** When the next refusal may be logged, on {@link #time}'s millisecond clock. */
  private final AtomicLong nextLogAtMs = new AtomicLong(Long.MIN_VALUE);

  EventBusGuard(ClusterToken token, Time time) {
    SecretKeySpec key = new SecretKeySpec(token.derivedKey(PURPOSE), HMAC);
    this.time = Objects.requireNonNull(time, "time");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
      }
    });
  }

  /**
   * Guards {@code vertx}'s event bus with {@code token}: every message it sends carries a proof,
   * every message it delivers must. Installing the same token again does nothing.
   *
   * @throws IllegalStateException if the bus is guarded already with another token
   */
  public static void install(Vertx vertx, ClusterToken token) {
    install(vertx, token, Time.SYSTEM);
  }

  /** As {@link #install(Vertx, ClusterToken)}, proof times read from {@code time}. */
  public static synchronized void install(Vertx vertx, ClusterToken token, Time time) {
    // kept in the Vert.x instance itself, so a second node deployed into it adds no second guard
    LocalMap<String, String> installed = vertx.sharedData().getLocalMap(INSTALLED);
    String fingerprint = token.toString();
    String existing = installed.putIfAbsent(INSTALLED, fingerprint);
    if (existing != null) {
      if (!existing.equals(fingerprint)) {
        throw new IllegalStateException("this Vert.x's event bus is guarded already with another"
            + " cluster token");
      }
      return;
    }
    EventBusGuard guard = new EventBusGuard(token, time);
    vertx.eventBus().addOutboundInterceptor(guard::onSend);
    vertx.eventBus().addInboundInterceptor(guard::onDeliver);
  }

  private void onSend(DeliveryContext<Object> context) {
    // a refusal's reply carries no proof: else anyone could have this node sign a message to an
    // address of their choice (the refused message names where the reply goes)
    if (!(context.body() instanceof ReplyException e && e.failureCode() == REFUSED)) {
      Message<Object> message = context.message();
      message.headers().set(PROOF_HEADER, proof(message.address(), time.milliseconds()));
    }
    context.next();
  }

  private void onDeliver(DeliveryContext<Object> context) {
    Message<Object> message = context.message();
    if (isValid(message.address(), message.headers().get(PROOF_HEADER))) {
      context.next();
      return;
    }
    noteRefusal(message.address());
    if (message.replyAddress() != null) {
      message.fail(REFUSED, "refused by jray: the message to '" + message.address()
          + "' carries no valid proof of the cluster token (wrong or missing token?)");
    }
  }

  /** The header value for a message to {@code address} sent at {@code atMs}. */
  String proof(String address, long atMs) {
    return atMs + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(address, atMs));
  }

  /** Whether {@code proof} is this token's, for {@code address}, and recent enough. */
  boolean isValid(String address, String proof) {
    if (proof == null || proof.length() > MAX_PROOF_CHARS) {
      return false;
    }
    int dot = proof.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long atMs;
    byte[] mac;
    try {
      atMs = Long.parseLong(proof, 0, dot, 10);
      mac = Base64.getUrlDecoder().decode(proof.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (Math.abs(time.milliseconds() - atMs) > MAX_CLOCK_SKEW.toMillis()) {
      return false;
    }
    return MessageDigest.isEqual(mac, mac(address, atMs));
  }

  private byte[] mac(String address, long atMs) {
    Mac mac = macs.get();
    mac.update(address.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(Long.toString(atMs).getBytes(StandardCharsets.US_ASCII));
    return mac.doFinal();
  }

  private void noteRefusal(String address) {
    unlogged.incrementAndGet();
    long now = time.milliseconds();
    long next = nextLogAtMs.get();
    if (now >= next && nextLogAtMs.compareAndSet(next, now + LOG_EVERY.toMillis())) {
      LOG.warn("refused " + unlogged.getAndSet(0) + " event-bus message(s) without a valid"
          + " proof of the cluster token, the latest to '" + printable(address) + "': a process"
          + " without this cluster's token is sending to it");
    }
  }

  /** A sender-chosen address as it may go into a log line: short, one line. */
  private static String printable(String address) {
    String shortened = address.length() > 100 ? address.substring(0, 100) + "..." : address;
    return shortened.replaceAll("\\p{Cntrl}", "?");
  }
}
