package dev.jray.gcs.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.jray.api.id.UniqueId;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.table.GcsTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on a Hazelcast member's cluster view and the GCS's node table: the members
 * as Hazelcast lists them, and the attached processes (records with a {@link NodeRecord#host()})
 * hanging off them, which {@link LiveNodes} follows. That view starts on the first call of
 * {@link #onNodeLeft}, {@link #onMembersChanged} or {@link #liveNodes}, which subscribes to the
 * members and the node table and reads the table (blocking on the GCS): a {@link ClusteredVertx}
 * that is only adapted to reach its GCS costs no subscription.
 *
 * <p>Threading: thread-safe. {@code liveNodes} is set once, under this object's lock; the rest
 * is the instance's, which is thread-safe. Listeners run on Hazelcast's event threads (the one
 * that delivered the change, one at a time: see {@link LiveNodes}).
 */
final class HazelcastMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastMembership.class);

  private final HazelcastInstance hazelcast;
  private final GcsTable<UniqueId, NodeRecord> nodeTable;
  /** The members and attached nodes; null until first needed, then set once under the lock. */
  private volatile LiveNodes liveNodes;

  HazelcastMembership(HazelcastInstance hazelcast, GcsTable<UniqueId, NodeRecord> nodeTable) {
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.nodeTable = Objects.requireNonNull(nodeTable, "nodeTable");
  }

  /**
   * {@inheritDoc} Then each attached node, once: right after its host when the host leaves, or
   * when its record is marked dead or removed while its host lives.
   */
  @Override
  public Registration onNodeLeft(Consumer<UniqueId> listener) {
    return started().onNodeLeft(listener);
  }

  /** {@inheritDoc} Also when an attached node goes live or leaves. */
  @Override
  public Registration onMembersChanged(Runnable listener) {
    return started().onMembersChanged(listener);
  }

  @Override
  public Registration onSplitOff(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    // Hazelcast merges the smaller side of a split into the larger; only the merging side sees it
    UUID id = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleState.MERGING) {
        listener.run();
      }
    });
    return () -> hazelcast.getLifecycleService().removeLifecycleListener(id);
  }

  @Override
  public boolean isLeader() {
    // Hazelcast lists members oldest first
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        return m.localMember();
      }
    }
    return false;
  }

  @Override
  public String localAddress() {
    return text(hazelcast.getCluster().getLocalMember().getAddress());
  }

  /**
   * {@inheritDoc} The members are read from Hazelcast now (not from the events the attached view
   * has had, which may lag), plus each live attached node whose host is among them.
   */
  @Override
  public Set<UniqueId> liveNodes() {
    Set<UniqueId> members = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      UniqueId id = ClusterConfig.nodeIdOf(m);
      if (id != null) {
        members.add(id);
      }
    }
    return started().liveNodes(members);
  }

  @Override
  public List<String> fullMemberAddresses() {
    List<String> addresses = new ArrayList<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        addresses.add(text(m.getAddress()));
      }
    }
    return addresses;
  }

  /** The attached view, started on first use: members first, then the node table. */
  private LiveNodes started() {
    LiveNodes started = liveNodes;
    if (started != null) {
      return started;
    }
    synchronized (this) {
      if (liveNodes == null) {
        LiveNodes fresh = new LiveNodes();
        // Hazelcast calls init with the members before it delivers any later change
        UUID members = hazelcast.getCluster().addMembershipListener(new MemberFeed(fresh));
        try {
          fresh.watch(nodeTable); // lives as long as the member: no one cancels it
        } catch (RuntimeException e) {
          hazelcast.getCluster().removeMembershipListener(members);
          LOG.debug("could not read the node table for the attached nodes", e);
          throw e;
        }
        liveNodes = fresh;
      }
      return liveNodes;
    }
  }

  /** Feeds the members' changes to the attached view, on Hazelcast's event threads. */
  private record MemberFeed(LiveNodes nodes) implements InitialMembershipListener {
    @Override
    public void init(InitialMembershipEvent event) {
      nodes.membersAre(event.getMembers().stream().map(ClusterConfig::nodeIdOf).toList());
    }

    @Override
    public void memberAdded(MembershipEvent event) {
      nodes.memberJoined(ClusterConfig.nodeIdOf(event.getMember()));
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      nodes.memberLeft(ClusterConfig.nodeIdOf(event.getMember()));
    }
  }

  private static String text(Address a) {
    return new ClusterAddress(a.getHost(), a.getPort()).toString();
  }
}
