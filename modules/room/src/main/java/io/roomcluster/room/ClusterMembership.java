package io.roomcluster.room;

import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What a {@link RoomEntity} needs to know about the cluster to reap the participants of departed
 * nodes: which node incarnations are current members, and when one is removed. {@link
 * #of(ActorSystem)} reads the real cluster; tests inject their own, so that an entity can declare
 * a node dead without a cluster.
 */
public interface ClusterMembership {

  /**
   * The node incarnations ({@link NodeIds}) that may hold connections now: members that are
   * Joining, WeaklyUp, Up, Leaving or Exiting (Down and Removed ones are gone for good).
   */
  Set<String> aliveNodes();

  /** Tells {@code subscriber} about every member removed from the cluster from now on. */
  void subscribeToRemovals(ActorRef<ClusterEvent.MemberRemoved> subscriber);

  /** The membership of {@code system}'s cluster. */
  static ClusterMembership of(ActorSystem<?> system) {
    return new ClusterStateMembership(Cluster.get(system));
  }
}
