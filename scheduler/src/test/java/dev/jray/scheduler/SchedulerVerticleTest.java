package dev.jray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.JobId;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.deploy.LocalParts;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.time.Await;
import dev.jray.resources.ResourceSet;
import dev.jray.scheduler.SchedulerMessages.TaskReleased;
import dev.jray.task.FunctionDescriptor;
import dev.jray.task.TaskKind;
import dev.jray.task.TaskSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler deployed alone into a plain Vert.x, configured by JSON. */
class SchedulerVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  private final JobId job = JobId.fromInt(1);

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void decidesWhatRunsAnswersOnTheBusAndHandsQueuedWorkToItsSinkOnRelease() throws Exception {
    UniqueId node = IdFactory.newUniqueId();
    SchedulerVerticle verticle = new SchedulerVerticle();
    String deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(
        new JsonObject().put("nodeId", node.toHex())
            .put("resources", new JsonObject().put("CPU", 1).put("GPU", 0.5)))));
    TaskSpec first = task(Map.of("CPU", 1.0));
    TaskSpec second = task(Map.of("CPU", 1.0));

    assertSame(first, verticle.scheduler().submit(first), "it fits: the caller starts it");
    assertNull(verticle.scheduler().submit(second), "no room left: queued");
    JsonObject stats = await(vertx.eventBus().<JsonObject>request(
        SchedulerVerticle.statsAddress(node), null)).body();
    assertEquals(1, stats.getInteger("running"));
    assertEquals(1.0, stats.getJsonObject("total").getDouble("CPU"));
    assertEquals(0.5, stats.getJsonObject("total").getDouble("GPU"));
    assertEquals(0.0, stats.getJsonObject("available").getDouble("CPU", 0.0), stats::encode);
    assertEquals(1, stats.getJsonObject("demands").size(), stats::encode);

    // released over the bus before any worker pool is bound: the decision waits for the sink
    vertx.eventBus().send(SchedulerVerticle.address(node), new TaskReleased(first.taskId()));
    Await.until("the release arrives", Duration.ofSeconds(10),
        () -> verticle.scheduler().state().demands().isEmpty());
    List<TaskSpec> dispatched = new CopyOnWriteArrayList<>();
    TaskSink pool = collectingInto(dispatched);
    verticle.bind(pool);
    // the release may still be deciding on the event loop: the decision reaches the sink either way
    Await.until("the queued task reaches the sink", Duration.ofSeconds(10),
        () -> !dispatched.isEmpty());
    assertEquals(List.of(second), dispatched);

    // its worker pool stops: what is decided meanwhile waits for the next one
    TaskSpec third = task(Map.of("CPU", 1.0));
    assertNull(verticle.scheduler().submit(third));
    verticle.unbind(pool);
    verticle.scheduler().release(second.taskId());
    List<TaskSpec> dispatchedToNext = new CopyOnWriteArrayList<>();
    verticle.bind(collectingInto(dispatchedToNext));
    assertEquals(List.of(third), dispatchedToNext);
    assertEquals(List.of(second), dispatched);
    assertSame(verticle, LocalParts.find(vertx, node, SchedulerVerticle.class));

    await(vertx.undeploy(deployment));

    assertNull(LocalParts.find(vertx, node, SchedulerVerticle.class));
    ExecutionException gone = assertThrows(ExecutionException.class, () -> await(
        vertx.eventBus().request(SchedulerVerticle.statsAddress(node), null)));
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) gone.getCause()).failureType());
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheKey() {
    assertDeployFails(new JsonObject().put("resources", new JsonObject().put("CPU", -1)),
        "SchedulerVerticle config: key 'resources.CPU' must be a number of at least 0, got -1");
    assertDeployFails(new JsonObject().put("resources", "4 CPUs"),
        "SchedulerVerticle config: key 'resources' must be a JSON object");
    assertDeployFails(new JsonObject().put("runsTasks", "yes"),
        "SchedulerVerticle config: key 'runsTasks' must be true or false, got 'yes'");
    assertDeployFails(new JsonObject().put("cpus", 4),
        "SchedulerVerticle config: unknown key 'cpus'");
  }

  private void assertDeployFails(JsonObject config, String messageStart) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(
        vertx.deployVerticle(new SchedulerVerticle(), new DeploymentOptions().setConfig(config))));
    assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause()::toString);
    assertTrue(e.getCause().getMessage().startsWith(messageStart), e.getCause()::getMessage);
  }

  private static TaskSink collectingInto(List<TaskSpec> dispatched) {
    return new TaskSink() {
      @Override
      public void dispatch(TaskSpec spec) {
        dispatched.add(spec);
      }

      @Override
      public void forward(UniqueId target, TaskSpec spec) {
        throw new AssertionError("a node alone forwards nothing");
      }
    };
  }

  private TaskSpec task(Map<String, Double> resources) {
    var taskId = IdFactory.newTaskId(job);
    return new TaskSpec(taskId, job, TaskKind.NORMAL, null,
        new FunctionDescriptor("C", "m", "()V"), List.of(), ResourceSet.of(resources), "owner",
        IdFactory.objectId(taskId, 1), 3, 0, null, null, 0, null, null);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
