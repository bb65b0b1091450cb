package io.roomcluster.room;

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
}
