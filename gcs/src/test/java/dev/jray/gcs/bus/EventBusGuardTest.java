package dev.jray.gcs.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.gcs.security.ClusterToken;
import dev.jray.gcs.time.ManualTime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard on one Vert.x: a message leaves with a proof and reaches its handler; one whose proof
 * an interceptor added after the guard's takes away or spoils (as a sender without the token
 * sends it) is refused before its handler, and the guard answers a request with a refusal (which
 * carries no proof: a guarded requester drops it too). ClusteredVertxTest shows a sender without
 * the guard receiving it.
 */
class EventBusGuardTest {
  private static final String ADDRESS = "jray.test.guarded";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(1_000);
  private final ClusterToken token = ClusterToken.generate();
  private final ManualTime time = new ManualTime();
  private Vertx vertx;
  private final List<Object> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    EventBusGuard.install(vertx, token, time);
    await(vertx.eventBus().consumer(ADDRESS, m -> {
      delivered.add(m.body());
      m.reply("ok:" + m.body());
    }).completion());
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void aMessageWithItsProofReachesTheHandler() throws Exception {
    assertEquals("ok:hi", await(vertx.eventBus().request(ADDRESS, "hi")).body());
    assertEquals(List.of("hi"), delivered);
  }

  @Test
  void aMessageWithoutProofNeverReachesTheHandlerAndItsRequestIsRefused() throws Exception {
    List<ReplyException> refusalsSent = refusalsSent();
    afterTheGuard(context -> context.message().headers().remove(EventBusGuard.PROOF_HEADER));

    ReplyException failed = failure(vertx.eventBus().request(ADDRESS, "no proof", SHORT));

    // the refusal goes back without a proof, so this guarded requester drops it too and times out
    assertEquals(ReplyFailure.TIMEOUT, failed.failureType());
    assertEquals(1, refusalsSent.size());
    assertEquals(EventBusGuard.REFUSED, refusalsSent.get(0).failureCode());
    assertTrue(refusalsSent.get(0).getMessage().contains("no valid proof of the cluster token"),
        refusalsSent.get(0)::getMessage);
    vertx.eventBus().send(ADDRESS, "sent without proof");
    vertx.eventBus().publish(ADDRESS, "published without proof");
    // a later request that gets through shows the two before it were handled (in order) by now
    afterTheGuard(context -> context.message().headers().set(EventBusGuard.PROOF_HEADER,
        new EventBusGuard(token, time).proof(ADDRESS, time.milliseconds())));
    await(vertx.eventBus().request(ADDRESS, "fresh proof"));
    assertEquals(List.of("fresh proof"), delivered);
  }

  @Test
  void aProofUnderAnotherTokenForAnotherAddressOrTooOldIsRefused() throws Exception {
    EventBusGuard stranger = new EventBusGuard(ClusterToken.generate(), time);
    EventBusGuard ours = new EventBusGuard(token, time);

    assertTrue(ours.isValid(ADDRESS, ours.proof(ADDRESS, time.milliseconds())));
    assertFalse(ours.isValid(ADDRESS, stranger.proof(ADDRESS, time.milliseconds())));
    assertFalse(ours.isValid(ADDRESS, ours.proof("jray.other", time.milliseconds())));
    String old = ours.proof(ADDRESS, time.milliseconds());
    time.advance(EventBusGuard.MAX_CLOCK_SKEW.plusSeconds(1));
    assertFalse(ours.isValid(ADDRESS, old));
    assertFalse(ours.isValid(ADDRESS, null));
    assertFalse(ours.isValid(ADDRESS, "garbage"));
    assertFalse(ours.isValid(ADDRESS, "12.!!!"));
    assertFalse(ours.isValid(ADDRESS, "1".repeat(10_000)));

    afterTheGuard(context -> context.message().headers().set(EventBusGuard.PROOF_HEADER,
        stranger.proof(ADDRESS, time.milliseconds())));
    List<ReplyException> refusalsSent = refusalsSent();
    assertEquals(ReplyFailure.TIMEOUT,
        failure(vertx.eventBus().request(ADDRESS, "x", SHORT)).failureType());
    assertEquals(EventBusGuard.REFUSED, refusalsSent.get(0).failureCode());
    assertEquals(List.of(), delivered);
  }

  @Test
  void installingAgainWithTheSameTokenAddsNothingAndAnotherTokenIsRefused() throws Exception {
    EventBusGuard.install(vertx, token, time);
    assertEquals("ok:once", await(vertx.eventBus().request(ADDRESS, "once")).body());
    assertThrows(IllegalStateException.class,
        () -> EventBusGuard.install(vertx, ClusterToken.generate(), time));
  }

  /** An outbound interceptor that runs after the guard's, as a sender without the token would be. */
  private void afterTheGuard(Consumer<DeliveryContext<Object>> change) {
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> context) -> {
      if (context.message().address().equals(ADDRESS)) {
        change.accept(context);
      }
      context.next();
    });
  }

  /** The refusals this Vert.x sends back, seen by an interceptor after the guard's. */
  private List<ReplyException> refusalsSent() {
    List<ReplyException> sent = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> context) -> {
      if (context.body() instanceof ReplyException e) {
        sent.add(e);
      }
      context.next();
    });
    return sent;
  }

  private static ReplyException failure(Future<?> request) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(request));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture()
        .get(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS);
  }
}
