package dev.jray.link;

import dev.jray.api.id.UniqueId;

/** Where a node's links deliver what other nodes send it. */
@FunctionalInterface
public interface LinkInbox {
  /**
   * Handles a message from node {@code from}. Called on the link's reader thread, in the order
   * that node sent its messages; must not block (the next message waits for it).
   *
   * @param reply how to answer a request; null for a one-way message
   */
  void onMessage(UniqueId from, Object message, NodeLinks.Reply reply);

  /**
   * A connection to or from {@code node}, a node not known dead, broke: what was in flight on it
   * either way may be lost. Called on a link thread of its own, never under a sender's lock.
   */
  default void onLinkLost(UniqueId node) {}
}
