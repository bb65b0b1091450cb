package io.roomcluster.room;

import java.util.Collection;
import org.apache.pekko.cluster.UniqueAddress;

/**
 * Which node incarnation holds a session's connection, as recorded in {@link Participant#node()}:
 * {@code <address>#<uid>}. The uid matters: a node restarted on the same host and port is a new
 * incarnation, and sessions of the old one must not look connected to it.
 */
public final class NodeIds {

  private NodeIds() {}

  public static String of(UniqueAddress node) {
    return node.address().toString() + "#" + node.longUid();
  }

  /** The address part, used to reach the node; the whole id when it has no uid (older records). */
  public static String addressOf(String nodeId) {
    int hash = nodeId.lastIndexOf('#');
    return hash < 0 ? nodeId : nodeId.substring(0, hash);
  }

  /**
   * Whether {@code nodeId} is one of {@code nodeIds} (node incarnations with uid). An id without
   * uid (older records) matches any incarnation at its address.
   */
  public static boolean isAmong(String nodeId, Collection<String> nodeIds) {
    if (nodeIds.contains(nodeId)) {
      return true;
    }
    return nodeId.indexOf('#') < 0
        && nodeIds.stream().anyMatch(id -> addressOf(id).equals(nodeId));
  }
}
