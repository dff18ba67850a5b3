package dev.jray.attach;

import dev.jray.api.id.UniqueId;
import dev.jray.link.LinkInbox;
import dev.jray.link.NodeLinks;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link inbox that offers each message first to the attach handlers (a host's relays, or an
 * attached process's clients of its host), then to the node's worker inbox, which is bound once
 * the worker exists: the links carry attach messages before it does (an attached process reads the
 * GCS through them while its worker is built).
 *
 * <p>Threading: called on the links' reader threads; never blocks. The tail is set once, by the
 * node's start, and read by those threads.
 */
public final class InboxChain implements LinkInbox {
  private static final Logger LOG = LoggerFactory.getLogger(InboxChain.class);

  /** Takes the messages of one attach conversation; called on a link's reader thread. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param reply how to answer a request; null for a one-way message
     * @return whether the message was this handler's (then no one else sees it); never blocks
     */
    boolean onMessage(UniqueId from, Object message, NodeLinks.Reply reply);
  }

  private final List<Handler> front;
  /** Told first of each link that broke; never blocks. */
  private final Consumer<UniqueId> linkLost;
  /** The node's own inbox; null until {@link #bindTail}. */
  private volatile LinkInbox tail;

  public InboxChain(List<Handler> front) {
    this(front, node -> {});
  }

  /** @param linkLost told first that a link to or from a node broke; never blocks */
  public InboxChain(List<Handler> front, Consumer<UniqueId> linkLost) {
    this.front = List.copyOf(front);
    this.linkLost = Objects.requireNonNull(linkLost, "linkLost");
  }

  /** Hands every message no handler took to {@code inbox} from now on. Once. */
  public void bindTail(LinkInbox inbox) {
    if (tail != null) {
      throw new IllegalStateException("the inbox chain's tail is bound already");
    }
    tail = Objects.requireNonNull(inbox, "inbox");
  }

  @Override
  public void onMessage(UniqueId from, Object message, NodeLinks.Reply reply) {
    for (Handler h : front) {
      if (h.onMessage(from, message, reply)) {
        return;
      }
    }
    LinkInbox t = tail;
    if (t != null) {
      t.onMessage(from, message, reply);
      return;
    }
    // no peer knows this node before its worker exists: a message now is out of protocol
    LOG.warn("node {} sent {} before this node's worker started; dropped", from,
        message.getClass().getSimpleName());
    if (reply != null) {
      reply.fail("node starting: its worker is not up yet");
    }
  }

  @Override
  public void onLinkLost(UniqueId node) {
    linkLost.accept(node);
    LinkInbox t = tail;
    if (t != null) {
      t.onLinkLost(node);
    }
  }
}
