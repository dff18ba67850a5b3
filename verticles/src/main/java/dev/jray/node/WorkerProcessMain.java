package dev.jray.node;

import dev.jray.api.Ray;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.ClusterAddress;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.gcs.time.Time;
import dev.jray.resources.ResourceSet;
import dev.jray.runtime.NodeWorkers;
import dev.jray.store.StoreCapacity;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process's entry point, started by a node's {@link WorkerProcessLaunch}: attaches to
 * that node ({@link AttachedNode}: no cluster membership) as a node that holds objects but no
 * resources, runs what its node hands it, and exits when its node dies (its input, a pipe from the
 * node, ends), when its actor is gone, or when the node ends it.
 *
 * <p>Arguments: the host node's id (hex), where its link listens ({@code host:port}), this
 * process's node id (hex).
 */
public final class WorkerProcessMain {
  private WorkerProcessMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: WorkerProcessMain HOST_NODE_ID_HEX HOST:LINK_PORT NODE_ID_HEX"
          + " (started by a jray node)");
      System.exit(2);
    }
    UniqueId parent = UniqueId.fromHexString(args[0]);
    ClusterAddress link = ClusterAddress.parse(args[1]);
    UniqueId self = UniqueId.fromHexString(args[2]);
    LauncherWatch.haltWhenInputEnds("jray-node-watch"); // its node died
    System.out.println("jray worker process " + ProcessHandle.current().pid() + " (node " + self
        + ") of node " + parent + " starting");
    AttachedNode attached = AttachedNode.start(new NodeOptions(self, link.host(),
        NodeOptions.WORKER_PROCESS, Map.of(ResourceSet.OBJECT_STORE_MEMORY,
            (double) StoreCapacity.defaultCapacity()), TokenSources.ofProcess().require(null),
        TlsSettings.ofProcess(), parent), new InetSocketAddress(link.host(), link.port()),
        Time.SYSTEM);
    NodeWorkers.install(attached.node().worker());
    Ray.init(); // the code of its tasks and actors calls Ray through its worker
    CountDownLatch ended = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      attached.close();
      ended.countDown();
    }, "jray-worker-process-stop"));
    // its log (its output, which its node writes to a file) is served as a node's, to jray logs
    NodeLogVerticle.deploy(attached.vertx(), self.toString());
    attached.node().worker().serveAsWorkerProcess(parent, () -> {
      // its actor is gone: so is the process, as Ray's (not on the thread that ended the actor)
      Thread exit = new Thread(() -> System.exit(0), "jray-worker-process-exit");
      exit.start();
    });
    ended.await();
  }
}
