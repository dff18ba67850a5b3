package dev.jray.gcs.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import dev.jray.api.id.UniqueId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link Membership} on a Hazelcast member's cluster view.
 *
 * <p>Threading: stateless beyond the instance, which is thread-safe; listeners run on Hazelcast's
 * event threads.
 */
final class HazelcastMembership implements Membership {
  private final HazelcastInstance hazelcast;

  HazelcastMembership(HazelcastInstance hazelcast) {
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
  }

  @Override
  public Registration onNodeLeft(Consumer<UniqueId> listener) {
    Objects.requireNonNull(listener, "listener");
    UUID id = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        UniqueId gone = ClusterConfig.nodeIdOf(event.getMember());
        if (gone != null) {
          listener.accept(gone);
        }
      }
    });
    return () -> hazelcast.getCluster().removeMembershipListener(id);
  }

  @Override
  public Registration onMembersChanged(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    UUID id = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        listener.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        listener.run();
      }
    });
    return () -> hazelcast.getCluster().removeMembershipListener(id);
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

  @Override
  public Set<UniqueId> liveNodes() {
    Set<UniqueId> live = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      UniqueId id = ClusterConfig.nodeIdOf(m);
      if (id != null) {
        live.add(id);
      }
    }
    return live;
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

  private static String text(Address a) {
    return new ClusterAddress(a.getHost(), a.getPort()).toString();
  }
}
