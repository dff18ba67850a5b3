package dev.jray.node;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.gcs.security.TlsSettings;
import dev.jray.gcs.security.TokenSources;
import dev.jray.resources.ResourceSet;
import dev.jray.store.StoreCapacity;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process's entry point, started by a node's {@link WorkerProcessLaunch}: joins the
 * cluster as a member that holds objects but no resources (as a driver does), runs what its node
 * hands it, and exits when its node dies (its input, a pipe from the node, ends), when its actor
 * is gone, or when the node ends it.
 *
 * <p>Arguments: the node's id (hex), the address to join through.
 */
public final class WorkerProcessMain {
  private WorkerProcessMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: WorkerProcessMain NODE_ID_HEX HOST:PORT (started by a jray node)");
      System.exit(2);
    }
    UniqueId parent = UniqueId.fromHexString(args[0]);
    LauncherWatch.haltWhenInputEnds("jray-node-watch"); // its node died
    UniqueId self = IdFactory.newUniqueId();
    System.out.println("jray worker process " + ProcessHandle.current().pid() + " (node " + self
        + ") of node " + parent + " starting");
    ClusterNode member = ClusterNode.start(new NodeOptions(self, "127.0.0.1",
        NodeOptions.WORKER_PROCESS, Map.of(ResourceSet.OBJECT_STORE_MEMORY,
            (double) StoreCapacity.defaultCapacity()), TokenSources.ofProcess().require(null),
        TlsSettings.ofProcess()), ClusterJoin.through(args[1]));
    CountDownLatch ended = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      member.close();
      ended.countDown();
    }, "jray-worker-process-stop"));
    // its log (its output, which its node writes to a file) is served as a node's, to jray logs
    NodeLogVerticle.deploy(member.node().getVertx(), self.toString());
    member.node().worker().serveAsWorkerProcess(parent, () -> {
      // its actor is gone: so is the process, as Ray's (not on the thread that ended the actor)
      Thread exit = new Thread(() -> System.exit(0), "jray-worker-process-exit");
      exit.start();
    });
    ended.await();
  }
}
