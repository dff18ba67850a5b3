package dev.jray.cluster.drivers;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.api.ActorHandle;
import dev.jray.api.ObjectRef;
import dev.jray.api.Ray;
import dev.jray.api.placementgroup.PlacementGroup;
import dev.jray.api.placementgroup.PlacementStrategy;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.cluster.ClusterConfig;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastNodeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code SteadyDriver <stop file>}: the driver with the token that keeps working while a hostile
 * peer attacks the head. It makes a {@link Counter} actor, a 1 MiB object in the head's store and
 * a placement group, prints their ids and the head's ports (read as jray and Vert.x read them:
 * the GCS node table and Vert.x's node info in Hazelcast: it must join as a member, {@code
 * -Djray.driver.attach=false}), then runs one task and one actor call
 * at a time (a round) until the stop file appears, printing {@code PROGRESS rounds=N} about every
 * 200 ms. Every call's count must be the one before plus one (the actor never restarted). At the
 * end it prints the totals, the group's state and whether the object still reads back whole.
 */
public final class SteadyDriver {
  /** Larger than the inline limit: the task's result is kept in the store of the node that ran it. */
  static final int OBJECT_BYTES = 1 << 20;
  private static final long PROGRESS_EVERY_NANOS = 200_000_000L;
  /** The member attribute with the Vert.x node id, the key of Vert.x's node info map. */
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private SteadyDriver() {}

  public static void main(String[] args) {
    Path stop = Path.of(args[0]);
    Driver.run("SteadyDriver", () -> {
      ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
      int count = counter.task(Counter::increment).remote().get(120_000);
      ObjectRef<byte[]> object = Ray.task(Fns::bytes, OBJECT_BYTES).remote();
      Driver.check(object.get(120_000).length == OBJECT_BYTES, "the object's size");
      PlacementGroup group = PlacementDriver.create(PlacementStrategy.PACK, "steady",
          PlacementDriver.cpus(1, 0.5));
      Driver.check(group.wait(120), "the placement group was not created");
      printHeadPorts();
      Driver.result("actor-id", counter.getId().toHex());
      Driver.result("object-id", object.getId().toHex());
      Driver.result("group-id", group.getId().toHex());

      long rounds = 0;
      long lastProgress = 0;
      while (!Files.exists(stop)) {
        ObjectRef<String> task = Ray.task(Fns::nodeId).remote();
        ObjectRef<Integer> call = counter.task(Counter::increment).remote();
        Driver.check(task.get(30_000) != null, "a task returned null");
        int next = call.get(30_000);
        Driver.check(next == count + 1, "the actor counted " + next + " after " + count
            + ": it lost its state");
        count = next;
        rounds++;
        if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
          System.out.println("PROGRESS rounds=" + rounds);
          System.out.flush();
          lastProgress = System.nanoTime();
        }
      }
      Driver.result("rounds", rounds);
      Driver.result("count", count);
      Driver.result("group-state", group.getState());
      Driver.result("object-intact", Arrays.equals(object.get(60_000), Fns.bytes(OBJECT_BYTES)));
    });
  }

  /** The head's Hazelcast, event-bus, link and object-transfer ports, as RESULT lines. */
  private static void printHeadPorts() {
    HazelcastInstance hazelcast = Hazelcast.getAllHazelcastInstances().iterator().next();
    Member head = hazelcast.getCluster().getMembers().stream()
        .filter(m -> ClusterConfig.Role.HEAD.attributeValue()
            .equals(m.getAttribute(ClusterConfig.ROLE_ATTRIBUTE)))
        .findFirst().orElseThrow(() -> new AssertionError("no head among the members"));
    String headId = head.getAttribute(ClusterConfig.NODE_ID_ATTRIBUTE);
    NodeRecord record = hazelcast.getMap("jray.nodes").values().stream()
        .filter(v -> v instanceof NodeRecord r && r.nodeId().toHex().equals(headId))
        .map(NodeRecord.class::cast)
        .findFirst().orElseThrow(() -> new AssertionError("the head is not in the node table"));
    HazelcastNodeInfo bus = (HazelcastNodeInfo) hazelcast.getMap("__vertx.nodeInfo")
        .get(head.getAttribute(VERTX_NODE_ID_ATTRIBUTE));
    Driver.result("head-node", headId);
    Driver.result("hazelcast-port", head.getAddress().getPort());
    Driver.result("bus-port", bus.unwrap().port());
    Driver.result("link-port", record.linkPort());
    Driver.result("transfer-port", record.objectTransferPort());
  }
}
