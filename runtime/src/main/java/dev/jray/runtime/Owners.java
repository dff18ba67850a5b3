package dev.jray.runtime;

import dev.jray.api.id.UniqueId;
import dev.jray.link.NodeLinks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The owners this worker talks to: its own owner address (as task specs and refs carry it), the
 * node each owner address names, and the link that reaches that node.
 *
 * <p>Threading: thread-safe, never blocks. The address cache is a concurrent map; the links are
 * set once by {@link #start} (volatile) before anything is sent.
 */
final class Owners {
  private static final String PREFIX = "jray.owner.";

  private final UniqueId nodeId;
  private final String self;
  /** Owner addresses to the node each names, parsed once; concurrent. */
  private final ConcurrentHashMap<String, UniqueId> nodes = new ConcurrentHashMap<>();
  /** How messages reach other nodes; set once by start. */
  private volatile NodeLinks links;

  Owners(UniqueId nodeId) {
    this.nodeId = nodeId;
    this.self = addressOf(nodeId);
  }

  /** The owner address of the worker on {@code nodeId}. */
  static String addressOf(UniqueId nodeId) {
    return PREFIX + nodeId;
  }

  void start(NodeLinks links) {
    this.links = links;
  }

  /** This worker's node. */
  UniqueId nodeId() {
    return nodeId;
  }

  /** This worker's own owner address. */
  String self() {
    return self;
  }

  /** The node this worker runs on. */
  UniqueId selfNode() {
    return nodeId;
  }

  boolean isSelf(String owner) {
    return owner.equals(self);
  }

  UniqueId nodeOf(String owner) {
    return nodes.computeIfAbsent(owner, a -> UniqueId.fromHexString(a.substring(PREFIX.length())));
  }

  /** The links to the other nodes (drivers included). Set once started. */
  NodeLinks links() {
    return links;
  }

  /** Sends to an owner over the link to its node; never blocks. */
  void send(String owner, Object message) {
    links.send(nodeOf(owner), message);
  }

  /** Asks an owner; the reply comes on the link's reader thread. */
  CompletableFuture<Object> request(String owner, Object message) {
    return links.request(nodeOf(owner), message);
  }
}
