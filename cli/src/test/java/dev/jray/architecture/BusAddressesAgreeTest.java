package dev.jray.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.BusAddresses;
import dev.jray.gcs.ids.IdFactory;
import dev.jray.node.NodeLogVerticle;
import dev.jray.node.WorkerPoolVerticle;
import org.junit.jupiter.api.Test;

/**
 * {@link BusAddresses#workerProcess} spells the addresses of two verticles it cannot see (the
 * {@code verticles} module sits above {@code runtime}): here, where both are visible, they must
 * agree with the verticles' own.
 */
class BusAddressesAgreeTest {
  @Test
  void aWorkerProcessReceivesItsWorkerPoolStatsAndLogTailAtTheVerticlesAddresses() {
    UniqueId self = IdFactory.newUniqueId();
    BusAddresses addresses = BusAddresses.workerProcess(self);
    // as WorkerProcessMain deploys its NodeLogVerticle: with the id's toString()
    for (String address : new String[] {WorkerPoolVerticle.statsAddress(self),
        NodeLogVerticle.address(self.toString())}) {
      assertTrue(addresses.received().contains(address),
          address + " is not among " + addresses.received());
    }
  }
}
