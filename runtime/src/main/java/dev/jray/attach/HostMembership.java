package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.attach.AttachMessages.MembersChanged;
import dev.jray.attach.AttachMessages.MembershipQuery;
import dev.jray.attach.AttachMessages.MembershipView;
import dev.jray.attach.AttachMessages.NodeLeft;
import dev.jray.gcs.cluster.Membership;
import dev.jray.gcs.time.Time;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An attached process's {@link Membership}: what its host node sees. The host pushes members
 * leaving and joining ({@link AttachRelay}), and this process's listeners run on {@link
 * HostPushes}' listener thread, in order with its GCS changes. {@link #liveNodes} and {@link
 * #fullMemberAddresses} ask the host, blocking at most the timeout. An attached process never
 * leads, and never splits off: it ends when its host is gone, or moves to another ({@link
 * #moved}), so {@link #onSplitOff} never fires.
 *
 * <p>Threading: thread-safe; {@link #liveNodes} and {@link #fullMemberAddresses} block on the host
 * (never call them on an event loop or the link's reader thread); the rest never blocks. The
 * listener lists are copy-on-write: registered from any thread, read on the listener thread.
 */
public final class HostMembership implements Membership {
  /** Members a view may name: far more than a cluster has; a view beyond it is refused. */
  static final int MAX_MEMBERS = 1 << 16;

  private final HostCalls calls;
  private final String localAddress;
  private final CopyOnWriteArrayList<Consumer<UniqueId>> nodeLeft = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Runnable> membersChanged = new CopyOnWriteArrayList<>();
  private final HostPushes pushes;

  /**
   * @param channel the link to the host
   * @param pushes the process's pushes from the host: membership changes come through it
   * @param localAddress what {@link #localAddress} says: this process's own "host:port"
   * @param timeout how long each query waits for the host's answer
   * @param time the clock of the timeouts
   * @throws IllegalStateException if {@code pushes} serves another {@code HostMembership} already
   */
  public HostMembership(HostChannel channel, HostPushes pushes, String localAddress,
      Duration timeout, Time time) {
    this.calls = new HostCalls(channel, timeout, time);
    this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
    this.pushes = pushes;
    pushes.handle(NodeLeft.class, m -> nodeLeft.forEach(l -> l.accept(m.node())));
    pushes.handle(MembersChanged.class, m -> membersChanged.forEach(Runnable::run));
  }

  /** The listener runs on the listener thread when the host sees a node leave. */
  @Override
  public Registration onNodeLeft(Consumer<UniqueId> listener) {
    Objects.requireNonNull(listener, "listener");
    Consumer<UniqueId> mine = listener::accept; // its own identity: added twice, cancelled once
    nodeLeft.add(mine);
    return () -> nodeLeft.remove(mine);
  }

  /** The listener runs on the listener thread when the host sees a member join or leave. */
  @Override
  public Registration onMembersChanged(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    Runnable mine = listener::run;
    membersChanged.add(mine);
    return () -> membersChanged.remove(mine);
  }

  /** Never fires: an attached process ends with its host. */
  @Override
  public Registration onSplitOff(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    return () -> {};
  }

  /** False: an attached process never leads. */
  @Override
  public boolean isLeader() {
    return false;
  }

  @Override
  public String localAddress() {
    return localAddress;
  }

  /**
   * The process moved to a new host (its channel leads there now): each node of {@code known} the
   * new host does not count live is told left (on the listener thread, as the host's pushes are:
   * the old host cannot tell its departures any more), then a change of members. Blocks on the new
   * host.
   *
   * @return the nodes told left
   * @throws HostCallException if the new host did not answer
   */
  public Set<UniqueId> moved(Collection<UniqueId> known) {
    Set<UniqueId> live = liveNodes();
    Set<UniqueId> left = new LinkedHashSet<>(known);
    left.removeAll(live);
    pushes.runOnListenerThread(() -> {
      left.forEach(gone -> nodeLeft.forEach(l -> l.accept(gone)));
      membersChanged.forEach(Runnable::run);
    });
    return left;
  }

  /** @throws HostCallException if the host did not answer */
  @Override
  public Set<UniqueId> liveNodes() {
    return view("liveNodes").liveNodes();
  }

  /** @throws HostCallException if the host did not answer */
  @Override
  public List<String> fullMemberAddresses() {
    return view("fullMemberAddresses").fullMemberAddresses();
  }

  private MembershipView view(String operation) {
    String what = "membership " + operation;
    MembershipView view = calls.call(what, new MembershipQuery(), MembershipView.class);
    if (view.liveNodes() == null || view.fullMemberAddresses() == null) {
      throw new HostCallException(what + " was answered without its members");
    }
    if (view.liveNodes().size() > MAX_MEMBERS || view.fullMemberAddresses().size() > MAX_MEMBERS) {
      throw new HostCallException(what + " was answered with " + view.liveNodes().size()
          + " nodes and " + view.fullMemberAddresses().size() + " addresses, more than "
          + MAX_MEMBERS);
    }
    try {
      return new MembershipView(Set.copyOf(view.liveNodes()),
          List.copyOf(view.fullMemberAddresses()));
    } catch (NullPointerException e) {
      throw new HostCallException(what + " was answered with a null member");
    }
  }
}
