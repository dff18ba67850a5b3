package dev.jray.autoscaler;

import java.util.List;

/**
 * Where the autoscaler's nodes come from, as Ray's node provider: starts and removes worker nodes
 * of a {@link NodeType} and lists those it started. Each node it starts runs under the node id
 * the provider chose ({@code JRAY_NODE_ID} in its environment), so that the autoscaler finds it
 * in the GCS once it joined.
 *
 * <p>Threading: called from the autoscaler's one thread; may block (a process start, an API
 * call).
 */
public interface NodeProvider {
  /** A node this provider started and has not removed yet. */
  record Launched(String nodeId, String type, long launchedAtMs) {}

  /**
   * Starts one node of {@code type} that joins the cluster.
   *
   * @return the node id it joins under (hex)
   * @throws RuntimeException naming the cause if it could not be started
   */
  String create(NodeType type);

  /** Removes a node it started; nothing if it is gone already. */
  void terminate(String nodeId);

  /** The nodes it started that it has not removed (whether they joined yet or not). */
  List<Launched> nodes();

  /** Removes every node it started (the cluster is torn down). */
  void close();

  /**
   * Lets go of its nodes as the head stops: by default removes them ({@link #close}), as the
   * local provider's processes go with their head; a provider whose nodes outlive the head (pods,
   * which the next head's provider adopts) leaves them running.
   */
  default void release() {
    close();
  }
}
