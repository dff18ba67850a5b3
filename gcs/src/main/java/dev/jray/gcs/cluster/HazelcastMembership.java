package dev.jray.gcs.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.jray.api.id.UniqueId;
import java.util.Objects;
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
    Address a = hazelcast.getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }
}
