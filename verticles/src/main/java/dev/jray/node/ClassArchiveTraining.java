package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages;
import dev.jray.attach.BusBodies;
import dev.jray.attach.BusMessages;
import dev.jray.gcs.serialization.MessageSerializer;
import dev.jray.runtime.CoreWorker;
import dev.jray.runtime.WorkerReady;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node JVM that writes the nodes' class archive (the first node of a version: {@code
 * -XX:ArchiveClassesAtExit}) loads besides its own work, so that the archive also holds what an
 * attached process loads as it starts: Fory's serializers of the link messages, the event-bus
 * bridge's bodies. A head that served no work never loads them, and a worker process then loads
 * about a thousand classes from the jar: a fifth of its cold start.
 *
 * <p>Threading: runs once on a daemon thread of its own; never blocks its caller.
 */
final class ClassArchiveTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveTraining.class);

  private ClassArchiveTraining() {}

  /** Starts the training if this JVM writes the class archive at its exit. */
  static void startIfArchiving() {
    if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"))) {
      return;
    }
    Thread t = new Thread(ClassArchiveTraining::run, "jray-class-archive-training");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    try {
      MessageSerializer links = WorkerPoolVerticle.attachedLinkSerializer();
      ClassLoader loader = CoreWorker.class.getClassLoader();
      UniqueId id = UniqueId.randomId();
      BusBodies bodies = BusBodies.workerProcess();
      for (Object m : List.of(new WorkerReady(1), new AttachMessages.MembershipQuery(),
          new AttachMessages.MembershipView(java.util.Set.of(id), List.of("127.0.0.1:1")),
          new AttachMessages.NodeLeft(id), new AttachMessages.GcsValue(new byte[1]),
          new BusMessages.Subscribe("a"), new BusMessages.Forward("a",
              BusMessages.Verb.PUBLISH, bodies.encode(new JsonObject().put("k", 1)),
              List.of(new BusMessages.Header("h", "v"))))) {
        links.deserialize(links.serialize(m), loader);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("training the class archive", e); // the archive only misses some classes
    }
  }
}
