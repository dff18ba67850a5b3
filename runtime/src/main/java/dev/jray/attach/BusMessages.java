package dev.jray.attach;

import dev.jray.gcs.bus.EventBusGuard;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The link messages of the event-bus bridge between an attached process ({@link BusBridge}) and
 * the node that hosts it ({@link BusRelay}). A bus message crosses the link as its address, its
 * {@link Verb}, its body as bytes ({@link BusBodies}) and its headers; a request's outcome comes
 * back as an {@link Answer} or a {@link Failure}.
 *
 * <p>Process to host: {@link Forward} (one-way), {@link Request} (a link request answered with an
 * {@link Answer} or a {@link Failure}), {@link Subscribe} (a link request answered with {@link
 * Subscribed}), {@link Unsubscribe} (one-way), and the outcome of a request the host delivered,
 * {@link DeliveryAnswered} or {@link DeliveryFailed} (one-way). Host to process: {@link Delivery}
 * (one-way). Every record is immutable; the checks below bound what a peer may send.
 */
public final class BusMessages {
  /** Longer than any of jray's addresses ({@code jray.node.<56 hex>.workers.stats}). */
  public static final int MAX_ADDRESS_CHARS = 1024;
  /** More headers than any of jray's messages carry. */
  public static final int MAX_HEADERS = 64;
  /** The longest header name or value carried. */
  public static final int MAX_HEADER_CHARS = 8192;
  /** A failure's message is cut to this length: it is read by people, not parsed. */
  public static final int MAX_FAILURE_CHARS = 16384;

  /**
   * Headers that never cross the link: each side's marks, and the sender's proof of the cluster
   * token (the receiving bus's guard writes its own).
   */
  static final List<String> LOCAL_HEADERS = List.of(BusBridge.BRIDGED_HEADER,
      BusRelay.ORIGIN_HEADER, EventBusGuard.PROOF_HEADER);

  private BusMessages() {}

  /** How a message was put on the bus. */
  public enum Verb { SEND, PUBLISH, REQUEST }

  /** A message body: the {@link BusBodies} codec name that wrote it, and its bytes. */
  public record Body(String codec, byte[] bytes) {}

  /** One message header; a name may repeat, as in Vert.x's {@code MultiMap}. */
  public record Header(String name, String value) {}

  /** What a process sends its host (the host's {@link BusRelay} takes these). */
  public sealed interface FromProcess
      permits Forward, Request, Subscribe, Unsubscribe, DeliveryAnswered, DeliveryFailed {}

  /** Process to host, one-way: send or publish this on the cluster's bus ({@code verb} is not REQUEST). */
  public record Forward(String address, Verb verb, Body body, List<Header> headers)
      implements FromProcess {}

  /**
   * Process to host, a link request: request this on the cluster's bus, waiting at most {@code
   * timeoutMs} for the reply; answered with an {@link Answer} or a {@link Failure}.
   */
  public record Request(String address, Body body, List<Header> headers, long timeoutMs)
      implements FromProcess {}

  /**
   * Process to host, a link request: consume {@code address} on the cluster's bus for the process
   * and deliver what arrives there; answered with {@link Subscribed} once the consumer is
   * registered in the cluster.
   */
  public record Subscribe(String address) implements FromProcess {}

  /** The host consumes the address for the process. */
  public record Subscribed(String address) {}

  /** Process to host, one-way: stop consuming {@code address} for the process. */
  public record Unsubscribe(String address) implements FromProcess {}

  /**
   * Host to process, one-way: a message the cluster put on an address the process receives.
   *
   * @param id for a REQUEST, what the process answers with {@link DeliveryAnswered} or {@link
   *     DeliveryFailed}; 0 otherwise
   */
  public record Delivery(long id, String address, Verb verb, Body body, List<Header> headers) {}

  /** A request's reply: its body and headers. */
  public record Answer(Body body, List<Header> headers) {}

  /**
   * A request that failed, as Vert.x's {@code ReplyException}: its {@code ReplyFailure} (as
   * {@code toInt()}), failure code and message.
   */
  public record Failure(int failureType, int code, String message) {}

  /** Process to host, one-way: the process's consumer replied to delivered request {@code id}. */
  public record DeliveryAnswered(long id, Answer answer) implements FromProcess {}

  /** Process to host, one-way: delivered request {@code id} failed in the process. */
  public record DeliveryFailed(long id, Failure failure) implements FromProcess {}

  /** The types to add to the link's message registry (each registers what its fields hold). */
  public static List<Class<?>> types() {
    return List.of(Forward.class, Request.class, Subscribe.class, Subscribed.class,
        Unsubscribe.class, Delivery.class, Answer.class, Failure.class, DeliveryAnswered.class,
        DeliveryFailed.class, Body.class, Header.class, Verb.class);
  }

  /**
   * A peer's address, if it is one.
   *
   * @throws IllegalArgumentException if it is missing, empty or longer than {@link #MAX_ADDRESS_CHARS}
   */
  static String checkAddress(String address) {
    if (address == null || address.isEmpty() || address.length() > MAX_ADDRESS_CHARS) {
      throw new IllegalArgumentException("an event-bus address must have 1 to "
          + MAX_ADDRESS_CHARS + " characters: " + (address == null ? "null"
          : address.length() + " characters, '" + printable(address) + "'"));
    }
    return address;
  }

  /**
   * A peer's headers, if within the bounds; null reads as none.
   *
   * @throws IllegalArgumentException if there are more than {@link #MAX_HEADERS}, or one is
   *     null or longer than {@link #MAX_HEADER_CHARS}
   */
  static List<Header> checkHeaders(List<Header> headers) {
    if (headers == null) {
      return List.of();
    }
    if (headers.size() > MAX_HEADERS) {
      throw new IllegalArgumentException(headers.size() + " headers, more than " + MAX_HEADERS);
    }
    for (Header h : headers) {
      if (h == null || h.name() == null || h.value() == null || h.name().length() > MAX_HEADER_CHARS
          || h.value().length() > MAX_HEADER_CHARS) {
        throw new IllegalArgumentException("a header must have a name and a value of at most "
            + MAX_HEADER_CHARS + " characters each");
      }
    }
    return headers;
  }

  /** Delivery options with a peer's headers, less the {@link #LOCAL_HEADERS}. */
  static DeliveryOptions optionsOf(List<Header> headers) {
    DeliveryOptions options = new DeliveryOptions();
    for (Header h : checkHeaders(headers)) {
      if (!LOCAL_HEADERS.contains(h.name())) {
        options.addHeader(h.name(), h.value());
      }
    }
    return options;
  }

  /**
   * A message's headers for the other side, less the {@link #LOCAL_HEADERS}.
   *
   * @throws IllegalArgumentException if there are more than {@link #MAX_HEADERS} or one is too long
   */
  static List<Header> headersOf(MultiMap headers) {
    if (headers == null || headers.isEmpty()) {
      return List.of();
    }
    List<Header> out = new ArrayList<>(Math.min(headers.size(), MAX_HEADERS));
    for (var e : headers) {
      if (!LOCAL_HEADERS.contains(e.getKey())) {
        if (out.size() == MAX_HEADERS) {
          throw new IllegalArgumentException("the message has more than " + MAX_HEADERS + " headers");
        }
        out.add(new Header(e.getKey(), e.getValue()));
      }
    }
    return checkHeaders(out);
  }

  /** How {@code cause} crosses the link: its ReplyFailure and code, if it is a ReplyException. */
  static Failure failureOf(Throwable cause) {
    Throwable e = cause instanceof CompletionException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (e instanceof ReplyException r) {
      return new Failure(r.failureType().toInt(), r.failureCode(), cut(r.getMessage()));
    }
    return new Failure(ReplyFailure.ERROR.toInt(), -1,
        cut(e.getMessage() != null ? e.getMessage() : e.toString()));
  }

  /** The ReplyException a requester receives for {@code failure}; an unknown type reads as ERROR. */
  static ReplyException replyException(Failure failure) {
    ReplyFailure type;
    try {
      type = ReplyFailure.fromInt(failure.failureType());
    } catch (IllegalStateException | IllegalArgumentException unknown) {
      type = ReplyFailure.ERROR;
    }
    return new ReplyException(type, failure.code(), cut(failure.message()));
  }

  /** A failure message within {@link #MAX_FAILURE_CHARS}. */
  static String cut(String message) {
    String m = message == null ? "(no message)" : message;
    return m.length() <= MAX_FAILURE_CHARS ? m : m.substring(0, MAX_FAILURE_CHARS) + "...";
  }

  /** A peer-chosen string as it may go into a log line or exception: short, one line. */
  static String printable(String s) {
    String shortened = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    return shortened.replaceAll("\\p{Cntrl}", "?");
  }
}
