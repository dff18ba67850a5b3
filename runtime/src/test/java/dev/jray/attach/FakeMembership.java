package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.cluster.Membership;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A host's membership whose events the test fires. Thread-safe. */
final class FakeMembership implements Membership {
  final CopyOnWriteArrayList<Consumer<UniqueId>> nodeLeft = new CopyOnWriteArrayList<>();
  final CopyOnWriteArrayList<Runnable> membersChanged = new CopyOnWriteArrayList<>();
  volatile Set<UniqueId> live = Set.of();
  volatile List<String> fullMembers = List.of();

  void fireNodeLeft(UniqueId node) {
    nodeLeft.forEach(l -> l.accept(node));
  }

  void fireMembersChanged() {
    membersChanged.forEach(Runnable::run);
  }

  @Override
  public Registration onNodeLeft(Consumer<UniqueId> listener) {
    nodeLeft.add(listener);
    return () -> nodeLeft.remove(listener);
  }

  @Override
  public Registration onMembersChanged(Runnable listener) {
    membersChanged.add(listener);
    return () -> membersChanged.remove(listener);
  }

  @Override
  public Registration onSplitOff(Runnable listener) {
    throw new AssertionError("the relay has no use for a split");
  }

  @Override
  public boolean isLeader() {
    return true;
  }

  @Override
  public String localAddress() {
    return "127.0.0.1:5701";
  }

  @Override
  public Set<UniqueId> liveNodes() {
    return live;
  }

  @Override
  public List<String> fullMemberAddresses() {
    return fullMembers;
  }
}
