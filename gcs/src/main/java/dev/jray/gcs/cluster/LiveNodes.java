package dev.jray.gcs.cluster;

import dev.jray.api.id.UniqueId;
import dev.jray.gcs.NodeRecord;
import dev.jray.gcs.table.GcsTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's live nodes as one member sees them, and their departures: the Hazelcast members
 * (fed by the member's events) and the attached processes hanging off them (fed by the GCS's node
 * table, {@link NodeRecord#host()} naming each one's host). An attached node is live while its
 * record is alive and its host is a live member. It leaves when its host leaves (reported right
 * after the host), when its record is marked dead or removed while its host lives (the host saw
 * the process end: {@link AttachedNodes#recordGone}), or when its record turns up alive after its
 * host left (reported at once). A {@link NodeRecord#movable} one whose host leaves is not live and
 * not reported: it is live again once its record names a live host, and leaves when its record
 * is marked dead (the leader does so if it finds no new host within a grace period). An attached node is reported at most once, and only if this member
 * saw it recorded alive; a node whose first record seen is already dead was gone before this member
 * looked, and is never reported. Members are reported as Hazelcast reports them.
 *
 * <p>The node table is read as a listener plus a snapshot ({@link #watch}), which race: an event
 * may arrive before or after the snapshot that already holds its change. Both orders end right
 * because a death is final (an attached node once gone is remembered and never comes back, so a
 * stale "alive" cannot revive it) and the snapshot only adds (a node absent from it is not taken
 * as removed: its removal event says so).
 *
 * <p>Threading: the inputs ({@link #membersAre}, {@link #memberJoined}, {@link #memberLeft},
 * {@link #recordChanged}, {@link #recordsAre}) are called on any thread (Hazelcast's event
 * threads) and never block: each is queued, and the calling thread that finds no other draining
 * the queue applies it and whatever is queued behind it, one at a time, in order. That thread
 * also calls the listeners, after the change is applied and {@link #liveNodes} shows it, so
 * listeners run one at a time, in the order of the changes, and must not block long; an input a
 * listener makes is applied after the listener returns. The fields below marked "the drain's" are
 * touched only by the thread draining the queue; {@link #liveNodes} reads an immutable view
 * published after each change.
 */
final class LiveNodes {
  private static final Logger LOG = LoggerFactory.getLogger(LiveNodes.class);
  /** Members that left, remembered: an attached record written after its host left is gone. */
  static final int MAX_DEPARTED_MEMBERS = 4_096;
  /**
   * Attached nodes gone or seen dead, remembered until their record is removed (the leader prunes
   * the records of the dead), bounded in case records are never pruned.
   */
  static final int MAX_GONE_ATTACHED = 65_536;

  /** The live members' node ids; the drain's. */
  private final Set<UniqueId> members = new HashSet<>();
  /** Members that left, oldest first; the drain's. */
  private final LinkedHashSet<UniqueId> departedMembers = new LinkedHashSet<>();
  /** Live attached nodes (record alive, host a live member), in the order they came; the drain's. */
  private final LinkedHashMap<UniqueId, NodeRecord> attached = new LinkedHashMap<>();
  /**
   * Attached nodes recorded alive whose host this member has not seen join yet, and movable ones
   * whose host left (until their record names a new host, or the leader records them dead); the
   * drain's.
   */
  private final LinkedHashMap<UniqueId, NodeRecord> awaitingHost = new LinkedHashMap<>();
  /** Attached nodes reported gone or first seen dead, oldest first: never live again; the drain's. */
  private final LinkedHashSet<UniqueId> goneAttached = new LinkedHashSet<>();

  /** The published view: written by the drain, read by any thread. */
  private volatile View view = new View(Set.of(), Map.of());

  private final CopyOnWriteArrayList<Consumer<UniqueId>> leftListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Runnable> changedListeners = new CopyOnWriteArrayList<>();
  /** Inputs not yet applied; any thread adds, the drain takes. */
  private final ConcurrentLinkedQueue<Runnable> inputs = new ConcurrentLinkedQueue<>();
  /** Held by the one thread draining {@link #inputs}. */
  private final AtomicBoolean draining = new AtomicBoolean();

  /** What {@link #liveNodes} reads: the live members and each live attached node's host. */
  private record View(Set<UniqueId> members, Map<UniqueId, UniqueId> hostOfAttached) {}

  /**
   * Subscribes to {@code nodes}, then feeds it its snapshot: from then on the node table's
   * changes reach this view. Blocks on the GCS (the snapshot): not on an event loop.
   *
   * @return closes the subscription
   */
  AutoCloseable watch(GcsTable<UniqueId, NodeRecord> nodes) {
    AutoCloseable subscription = nodes.listen(this::recordChanged);
    try {
      recordsAre(nodes.snapshot());
    } catch (RuntimeException e) {
      closeQuietly(subscription);
      throw e;
    }
    return subscription;
  }

  // ---- inputs: any thread, never block

  /** The members when this view starts (Hazelcast's initial membership); null ids are skipped. */
  void membersAre(Collection<UniqueId> initial) {
    List<UniqueId> ids = initial.stream().filter(Objects::nonNull).toList();
    submit(() -> {
      boolean promoted = false;
      for (UniqueId id : ids) {
        promoted |= join(id);
      }
      // the members were there before this view: only attached nodes going live are a change
      return promoted ? List.of() : null;
    });
  }

  /** A member joined; {@code id} null for one jray did not configure (only a change to tell). */
  void memberJoined(UniqueId id) {
    submit(() -> {
      if (id != null) {
        join(id);
      }
      return List.of();
    });
  }

  /**
   * A member left: it is reported (unless {@code id} is null), then each attached node it hosted.
   */
  void memberLeft(UniqueId id) {
    submit(() -> {
      List<UniqueId> left = new ArrayList<>();
      if (id != null) {
        members.remove(id);
        remember(departedMembers, id, MAX_DEPARTED_MEMBERS);
        left.add(id);
        left.addAll(removeHostedBy(id, attached));
        left.addAll(removeHostedBy(id, awaitingHost));
      }
      return left;
    });
  }

  /** A node's record changed; {@code record} null when it was removed. */
  void recordChanged(UniqueId id, NodeRecord record) {
    Objects.requireNonNull(id, "id");
    submit(() -> apply(id, record));
  }

  /** A snapshot of the node table: each record applied as a change; an absent node stays as is. */
  void recordsAre(Map<UniqueId, NodeRecord> snapshot) {
    Map<UniqueId, NodeRecord> copy = Map.copyOf(snapshot);
    submit(() -> {
      List<UniqueId> left = new ArrayList<>();
      boolean changed = false;
      for (Map.Entry<UniqueId, NodeRecord> e : copy.entrySet()) {
        List<UniqueId> gone = apply(e.getKey(), e.getValue());
        if (gone != null) {
          changed = true;
          left.addAll(gone);
        }
      }
      return changed ? left : null;
    });
  }

  // ---- outputs: any thread

  /** The live members' node ids plus each live attached node. */
  Set<UniqueId> liveNodes() {
    View v = view;
    return liveNodes(v.members(), v);
  }

  /**
   * {@code membersNow} (the members as Hazelcast lists them this instant, which may be ahead of
   * the events this view has had) plus each live attached node whose host is among them.
   */
  Set<UniqueId> liveNodes(Set<UniqueId> membersNow) {
    return liveNodes(membersNow, view);
  }

  private static Set<UniqueId> liveNodes(Set<UniqueId> membersNow, View v) {
    Set<UniqueId> live = new HashSet<>(membersNow);
    v.hostOfAttached().forEach((node, host) -> {
      if (membersNow.contains(host)) {
        live.add(node);
      }
    });
    return live;
  }

  /** Calls {@code listener} with each node that leaves, once per node, on the drain's thread. */
  Membership.Registration onNodeLeft(Consumer<UniqueId> listener) {
    Objects.requireNonNull(listener, "listener");
    leftListeners.add(listener);
    return () -> leftListeners.remove(listener);
  }

  /** Calls {@code listener} when a member or a live attached node comes or goes. */
  Membership.Registration onMembersChanged(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    changedListeners.add(listener);
    return () -> changedListeners.remove(listener);
  }

  // ---- the drain

  /**
   * A change to apply: returns the nodes that left, in report order (empty: the live nodes changed
   * but none left), or null if listeners have nothing to hear.
   */
  @FunctionalInterface
  private interface Change {
    List<UniqueId> apply();
  }

  private void submit(Change change) {
    inputs.add(() -> {
      List<UniqueId> left = change.apply();
      publish();
      if (left != null) {
        tell(left);
      }
    });
    drain();
  }

  private void drain() {
    // re-check after letting go: an input queued while this thread was finishing must not wait
    while (!inputs.isEmpty() && draining.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = inputs.poll()) != null) {
          next.run();
        }
      } finally {
        draining.set(false);
      }
    }
  }

  /** Applies one record; returns the nodes that left (maybe none), or null if nothing changed. */
  private List<UniqueId> apply(UniqueId id, NodeRecord record) {
    if (record == null) {
      goneAttached.remove(id); // its record is pruned: nothing stale about it can come any more
      return untrack(id) != null ? List.of(id) : null;
    }
    if (!record.attached() || goneAttached.contains(id)) {
      return null; // members come and go by their events; a gone attached node stays gone
    }
    if (!record.alive()) {
      remember(goneAttached, id, MAX_GONE_ATTACHED);
      return untrack(id) != null ? List.of(id) : null;
    }
    if (attached.containsKey(id)) {
      attached.put(id, record);
      return null;
    }
    if (members.contains(record.host())) {
      awaitingHost.remove(id);
      attached.put(id, record);
      return List.of();
    }
    if (departedMembers.contains(record.host()) && !record.movable()) {
      LOG.debug("attached node {} is recorded alive after its host {} left: reported gone", id,
          record.host());
      awaitingHost.remove(id);
      remember(goneAttached, id, MAX_GONE_ATTACHED);
      return List.of(id);
    }
    awaitingHost.put(id, record);
    return null;
  }

  /** Adds a member; its awaiting attached nodes go live. Returns whether any did. */
  private boolean join(UniqueId id) {
    members.add(id);
    departedMembers.remove(id); // a member split off merges back under its node id
    boolean promoted = false;
    for (Iterator<Map.Entry<UniqueId, NodeRecord>> it = awaitingHost.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<UniqueId, NodeRecord> e = it.next();
      if (id.equals(e.getValue().host())) {
        it.remove();
        attached.put(e.getKey(), e.getValue());
        promoted = true;
      }
    }
    return promoted;
  }

  /**
   * Removes the tracked attached nodes of {@code host} from {@code from}, marking them gone; a
   * movable one waits for a new host instead (in {@link #awaitingHost}), unreported.
   */
  private List<UniqueId> removeHostedBy(UniqueId host, Map<UniqueId, NodeRecord> from) {
    List<UniqueId> removed = new ArrayList<>();
    Map<UniqueId, NodeRecord> orphans = new LinkedHashMap<>();
    for (Iterator<Map.Entry<UniqueId, NodeRecord>> it = from.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<UniqueId, NodeRecord> e = it.next();
      if (!host.equals(e.getValue().host())) {
        continue;
      }
      if (e.getValue().movable()) {
        if (from != awaitingHost) {
          it.remove();
          orphans.put(e.getKey(), e.getValue());
        }
        continue;
      }
      it.remove();
      remember(goneAttached, e.getKey(), MAX_GONE_ATTACHED);
      removed.add(e.getKey());
    }
    awaitingHost.putAll(orphans);
    return removed;
  }

  /** Stops tracking an attached node; returns its record, or null if it was not tracked. */
  private NodeRecord untrack(UniqueId id) {
    NodeRecord live = attached.remove(id);
    return live != null ? live : awaitingHost.remove(id);
  }

  private void publish() {
    Map<UniqueId, UniqueId> hosts = new HashMap<>();
    attached.forEach((id, record) -> hosts.put(id, record.host()));
    view = new View(Set.copyOf(members), Map.copyOf(hosts));
  }

  /** Reports each node that left, then the change; a listener that throws is logged, not fatal. */
  private void tell(List<UniqueId> left) {
    for (UniqueId id : left) {
      for (Consumer<UniqueId> listener : leftListeners) {
        try {
          listener.accept(id);
        } catch (RuntimeException e) {
          LOG.warn("a listener failed on node {} leaving", id, e);
        }
      }
    }
    for (Runnable listener : changedListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("a listener failed on a membership change", e);
      }
    }
  }

  private static void remember(LinkedHashSet<UniqueId> set, UniqueId id, int max) {
    set.add(id);
    if (set.size() > max) {
      Iterator<UniqueId> oldest = set.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing the node table's subscription", e);
    }
  }
}
