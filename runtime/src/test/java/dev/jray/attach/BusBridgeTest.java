package dev.jray.attach;

import static dev.jray.attach.LinkedProcess.WAIT_S;
import static dev.jray.attach.LinkedProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.PlacementGroupId;
import dev.jray.api.placementgroup.PlacementGroupState;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.placement.PlacementMessages.GroupChanged;
import dev.jray.placement.PlacementMessages.Remove;
import dev.jray.scheduler.SchedulerMessages;
import dev.jray.scheduler.SchedulerMessages.ResourceReport;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge and the relay over real links: both directions, each verb, failures and timeouts. */
class BusBridgeTest {
  private static final Duration WAIT = Duration.ofSeconds(WAIT_S);
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(WAIT.toMillis());
  private final PlacementGroupId group = IdFactory.newPlacementGroupId(JobId.fromInt(7));
  private LinkedProcess pair;

  /** A message as a consumer saw it. */
  private record Seen(Object body, boolean send, String header) {
    static Seen of(Message<Object> m) {
      return new Seen(m.body(), m.isSend(), m.headers().get("trace"));
    }
  }

  @AfterEach
  void close() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  private static <T> T poll(BlockingQueue<T> queue, String what) throws InterruptedException {
    T value = queue.poll(WAIT_S, TimeUnit.SECONDS);
    if (value == null) {
      throw new AssertionError("nothing arrived: " + what);
    }
    return value;
  }

  private static ReplyException failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  @Test
  void forwardedSendsAndPublishesReachTheClusterAsMadeAndAPublishAlsoReachesTheProcess()
      throws Exception {
    pair = new LinkedProcess();
    String address = "test.forwarded";
    BlockingQueue<Seen> atCluster = new LinkedBlockingQueue<>();
    BlockingQueue<Seen> atProcess = new LinkedBlockingQueue<>();
    await(pair.hostVertx.eventBus().consumer(address, m -> atCluster.add(Seen.of(m))).completion());
    await(pair.processVertx.eventBus().consumer(address, m -> atProcess.add(Seen.of(m))).completion());
    await(pair.bridge.forwardToHost(address));

    Remove remove = new Remove(group);
    pair.processVertx.eventBus().send(address, remove,
        new DeliveryOptions().addHeader("trace", "t-1"));
    assertEquals(new Seen(remove, true, "t-1"), poll(atCluster, "the send"));
    JsonObject json = new JsonObject().put("n", 1).put("s", "two");
    pair.processVertx.eventBus().publish(address, json);
    assertEquals(new Seen(json, false, null), poll(atCluster, "the publish"));
    // the publish reached the process's own consumer (as a clustered publish would); the send
    // went to the cluster only
    assertEquals(new Seen(json, false, null), poll(atProcess, "the publish, locally"));
    assertTrue(atProcess.isEmpty(), "the send stayed off the process's consumer: " + atProcess);
  }

  @Test
  void aForwardedRequestIsAnsweredWithTheClustersReplyBodyAndHeaders() throws Exception {
    pair = new LinkedProcess();
    String address = "test.ask";
    await(pair.hostVertx.eventBus().<Object>consumer(address, m -> {
      if (m.body() instanceof Remove r) {
        m.reply(new GroupChanged(r.id(), PlacementGroupState.REMOVED),
            new DeliveryOptions().addHeader("trace", "from-cluster"));
      } else {
        m.reply(((JsonObject) m.body()).copy().put("answered", true));
      }
    }).completion());
    await(pair.bridge.forwardToHost(address));

    Message<Object> record = await(pair.processVertx.eventBus().request(address, new Remove(group),
        LONG));
    assertEquals(new GroupChanged(group, PlacementGroupState.REMOVED), record.body());
    assertEquals("from-cluster", record.headers().get("trace"));
    Message<Object> json = await(pair.processVertx.eventBus().request(address,
        new JsonObject().put("q", "stats"), LONG));
    assertEquals(new JsonObject().put("q", "stats").put("answered", true), json.body());
  }

  @Test
  void aForwardedRequestsFailureComesBackWithItsTypeCodeAndMessage() throws Exception {
    pair = new LinkedProcess();
    await(pair.hostVertx.eventBus().consumer("test.refuses", m -> m.fail(404, "no such group"))
        .completion());
    await(pair.bridge.forwardToHost("test.refuses"));
    await(pair.bridge.forwardToHost("test.nobody"));

    ReplyException refused = failure(pair.processVertx.eventBus().request("test.refuses",
        new JsonObject(), LONG));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, refused.failureType());
    assertEquals(404, refused.failureCode());
    assertEquals("no such group", refused.getMessage());
    // nobody consumes it in the cluster: as a clustered request, NO_HANDLERS
    ReplyException nobody = failure(pair.processVertx.eventBus().request("test.nobody", "?", LONG));
    assertEquals(ReplyFailure.NO_HANDLERS, nobody.failureType());
    assertTrue(nobody.getMessage().contains("test.nobody"), nobody.getMessage());
  }

  @Test
  void aReceivedAddressDeliversTheClustersSendsPublishesAndRequests() throws Exception {
    pair = new LinkedProcess();
    String address = "test.received";
    BlockingQueue<Seen> atProcess = new LinkedBlockingQueue<>();
    await(pair.processVertx.eventBus().<Object>consumer(address, m -> {
      atProcess.add(Seen.of(m));
      if (m.replyAddress() != null) {
        m.reply(new JsonObject().put("pid", 42), new DeliveryOptions().addHeader("trace", "back"));
      }
    }).completion());
    await(pair.bridge.receiveFromCluster(address));
    assertEquals(Set.of(address), await(pair.relay.addressesOf(pair.processId)));

    GroupChanged changed = new GroupChanged(group, PlacementGroupState.CREATED);
    pair.hostVertx.eventBus().publish(address, changed);
    assertEquals(new Seen(changed, false, null), poll(atProcess, "the publish"));
    pair.hostVertx.eventBus().send(address, "a string", new DeliveryOptions().addHeader("trace", "s"));
    assertEquals(new Seen("a string", true, "s"), poll(atProcess, "the send"));
    Message<Object> reply = await(pair.hostVertx.eventBus().request(address,
        new JsonObject().put("objects", 10), LONG));
    assertEquals(new Seen(new JsonObject().put("objects", 10), true, null),
        poll(atProcess, "the request"));
    assertEquals(new JsonObject().put("pid", 42), reply.body());
    assertEquals("back", reply.headers().get("trace"));
  }

  @Test
  void aLocalConsumersFailureGoesBackToTheClustersRequesterWithItsCodeAndMessage()
      throws Exception {
    pair = new LinkedProcess();
    await(pair.processVertx.eventBus().consumer("test.log", m -> m.fail(3, "no log file here"))
        .completion());
    await(pair.bridge.receiveFromCluster("test.log"));
    await(pair.bridge.receiveFromCluster("test.unconsumed"));

    ReplyException failed = failure(pair.hostVertx.eventBus().request("test.log",
        new JsonObject(), LONG));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, failed.failureType());
    assertEquals(3, failed.failureCode());
    assertEquals("no log file here", failed.getMessage());
    // received, but nothing in the process consumes it
    ReplyException nobody = failure(pair.hostVertx.eventBus().request("test.unconsumed", "?", LONG));
    assertEquals(ReplyFailure.NO_HANDLERS, nobody.failureType());
  }

  @Test
  void aPublishAddressBothForwardedAndReceivedDoesNotLoop() throws Exception {
    pair = new LinkedProcess();
    String address = "test.both-ways";
    List<Object> atCluster = new CopyOnWriteArrayList<>();
    List<Object> atProcess = new CopyOnWriteArrayList<>();
    await(pair.hostVertx.eventBus().consumer(address, m -> atCluster.add(m.body())).completion());
    await(pair.processVertx.eventBus().consumer(address, m -> atProcess.add(m.body())).completion());
    await(pair.bridge.forwardToHost(address));
    await(pair.bridge.receiveFromCluster(address));

    pair.processVertx.eventBus().publish(address, "from-process");
    Await.until("the cluster hears the process's publish", WAIT,
        () -> atCluster.contains("from-process"));
    // a fence each way: whatever looped would have arrived before it, on the same links in order
    pair.hostVertx.eventBus().publish(address, "from-cluster");
    Await.until("the process hears the cluster's publish", WAIT,
        () -> atProcess.contains("from-cluster"));
    pair.processVertx.eventBus().publish(address, "fence");
    Await.until("the cluster hears the fence", WAIT, () -> atCluster.contains("fence"));

    assertEquals(List.of("from-process", "from-cluster", "fence"), atCluster,
        "the cluster heard each publish once");
    assertEquals(List.of("from-process", "from-cluster", "fence"), atProcess,
        "the process heard each publish once");
  }

  @Test
  void aRequestTheHostNeverAnswersTimesOutNamingWhatWasAsked() throws Exception {
    pair = new LinkedProcess(false);
    await(pair.bridge.forwardToHost("test.silent"));
    Future<Message<Object>> request = pair.processVertx.eventBus().request("test.silent",
        new JsonObject(), LONG);
    Future<Void> subscription = pair.bridge.receiveFromCluster("test.never");
    Await.until("both requests wait for the host", WAIT, () -> pair.bridge.pendingRequests() == 2);
    assertTrue(!request.isComplete() && !subscription.isComplete(), "nothing failed before the timeout");

    pair.passTimeout();
    ReplyException timedOut = failure(request);
    assertEquals(ReplyFailure.TIMEOUT, timedOut.failureType());
    assertEquals("no answer from the host to a request on 'test.silent' within 5000 ms",
        timedOut.getMessage());
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(subscription));
    assertTrue(refused.getCause().getMessage().contains("'test.never'")
        && refused.getCause().getMessage().contains("within 5000 ms"), refused.getCause().getMessage());
    assertEquals(0, pair.bridge.pendingRequests(), "the bridge forgot both");
  }

  @Test
  void aRequestDeliveredToAProcessThatNeverAnswersTimesOutAtTheHost() throws Exception {
    pair = new LinkedProcess();
    BlockingQueue<Object> atProcess = new LinkedBlockingQueue<>();
    await(pair.processVertx.eventBus().consumer("test.mute", m -> atProcess.add(m.body()))
        .completion());
    await(pair.bridge.receiveFromCluster("test.mute"));

    Future<Message<Object>> request = pair.hostVertx.eventBus().request("test.mute", "hello?", LONG);
    assertEquals("hello?", poll(atProcess, "the delivered request"));
    pair.passTimeout();
    ReplyException timedOut = failure(request);
    assertEquals(ReplyFailure.TIMEOUT, timedOut.failureType());
    assertEquals("process " + pair.processId + " did not answer a request on 'test.mute' within"
        + " 5000 ms", timedOut.getMessage());
  }

  @Test
  void processGoneUnregistersTheHostsConsumersAndFailsWhatWaitsOnIt() throws Exception {
    pair = new LinkedProcess();
    BlockingQueue<Object> atProcess = new LinkedBlockingQueue<>();
    await(pair.processVertx.eventBus().consumer("test.b", m -> atProcess.add(m.body())).completion());
    await(pair.bridge.receiveFromCluster("test.a"));
    await(pair.bridge.receiveFromCluster("test.b"));
    assertEquals(Set.of("test.a", "test.b"), await(pair.relay.addressesOf(pair.processId)));
    Future<Message<Object>> waiting = pair.hostVertx.eventBus().request("test.b", "pending", LONG);
    assertEquals("pending", poll(atProcess, "the delivered request"));

    pair.relay.processGone(pair.processId);
    ReplyException gone = failure(waiting);
    assertEquals("process " + pair.processId + " is gone: its request on 'test.b' is not answered",
        gone.getMessage());
    assertEquals(Set.of(), await(pair.relay.addressesOf(pair.processId)));
    // the host's bus has no consumer left on either address
    assertEquals(ReplyFailure.NO_HANDLERS,
        failure(pair.hostVertx.eventBus().request("test.a", "?", LONG)).failureType());
    assertEquals(ReplyFailure.NO_HANDLERS,
        failure(pair.hostVertx.eventBus().request("test.b", "?", LONG)).failureType());
    // what the gone process still asks is refused; and it is gone only once
    ExecutionException late = assertThrows(ExecutionException.class,
        () -> await(pair.bridge.receiveFromCluster("test.c")));
    assertTrue(late.getCause().getMessage().contains("no longer serves process "
        + pair.processId), late.getCause().getMessage());
    pair.relay.processGone(pair.processId);
    assertEquals(Set.of(), await(pair.relay.addressesOf(pair.processId)));
  }

  @Test
  void aWorkerProcessBridgesItsConversationsWithReportsAndStatsCrossing() throws Exception {
    pair = new LinkedProcess();
    BusAddresses addresses = BusAddresses.workerProcess(pair.processId);
    BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
    await(pair.processVertx.eventBus().consumer(SchedulerMessages.RESOURCES_ADDRESS,
        m -> reports.add(m.body())).completion());
    String stats = BusAddresses.workerPoolStatsAddress(pair.processId);
    await(pair.processVertx.eventBus().consumer(stats,
        m -> m.reply(new JsonObject().put("pid", 7))).completion());
    await(pair.bridge.bridgeWorkerProcess(pair.processId));
    assertEquals(Set.copyOf(addresses.received()), await(pair.relay.addressesOf(pair.processId)));

    ResourceReport report = new ResourceReport(pair.hostId, Map.of("CPU", 4.0),
        Map.of("CPU", 2.5), 3, Map.of("{CPU: 1.0}", 3));
    pair.hostVertx.eventBus().publish(SchedulerMessages.RESOURCES_ADDRESS, report);
    assertEquals(report, poll(reports, "the cluster's resource report"));
    assertEquals(new JsonObject().put("pid", 7),
        await(pair.hostVertx.eventBus().request(stats, new JsonObject(), LONG)).body());
  }

  @Test
  void aClosedBridgeNeitherForwardsNorReceives() throws Exception {
    pair = new LinkedProcess();
    BlockingQueue<Object> atProcess = new LinkedBlockingQueue<>();
    await(pair.processVertx.eventBus().consumer("test.f", m -> atProcess.add(m.body())).completion());
    await(pair.bridge.forwardToHost("test.f"));
    await(pair.bridge.receiveFromCluster("test.r"));

    pair.bridge.close();
    Await.until("the host stops consuming for the process", WAIT,
        () -> pair.relay.addressesOf(pair.processId).toCompletionStage().toCompletableFuture()
            .join().isEmpty());
    pair.processVertx.eventBus().send("test.f", "stays here");
    assertEquals("stays here", poll(atProcess, "a send once the interceptor is gone"));
    assertThrows(ExecutionException.class, () -> await(pair.bridge.forwardToHost("test.g")));
  }

  @Test
  void anAddressBeyondTheBoundIsRefusedByBothSides() throws Exception {
    pair = new LinkedProcess();
    String tooLong = "a".repeat(BusMessages.MAX_ADDRESS_CHARS + 1);
    ExecutionException local = assertThrows(ExecutionException.class,
        () -> await(pair.bridge.receiveFromCluster(tooLong)));
    assertTrue(local.getCause().getMessage().contains("1 to 1024 characters"),
        local.getCause().getMessage());
    // a process that skips its bridge's check is refused by the host
    ExecutionException remote = assertThrows(ExecutionException.class,
        () -> pair.channel.request(new BusMessages.Subscribe(tooLong)).get(WAIT_S, TimeUnit.SECONDS));
    assertTrue(remote.getCause().getMessage().contains("1 to 1024 characters"),
        remote.getCause().getMessage());
    assertEquals(Set.of(), await(pair.relay.addressesOf(pair.processId)));
  }
}
