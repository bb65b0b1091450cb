package io.roomcluster.room;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/** {@link ClusterMembership#of}: {@link Cluster#state()} and {@link Cluster#subscriptions()}. */
final class ClusterStateMembership implements ClusterMembership {

  private static final Set<MemberStatus> ALIVE = Set.of(MemberStatus.joining(),
      MemberStatus.weaklyUp(), MemberStatus.up(), MemberStatus.leaving(), MemberStatus.exiting());

  private final Cluster cluster;

  ClusterStateMembership(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Set<String> aliveNodes() {
    Set<String> alive = new HashSet<>();
    for (Member member : cluster.state().getMembers()) {
      if (ALIVE.contains(member.status())) {
        alive.add(NodeIds.of(member.uniqueAddress()));
      }
    }
    return alive;
  }

  @Override
  public void subscribeToRemovals(ActorRef<ClusterEvent.MemberRemoved> subscriber) {
    // No unsubscribe needed: the event stream drops subscribers that have terminated.
    cluster.subscriptions().tell(Subscribe.create(subscriber, ClusterEvent.MemberRemoved.class));
  }
}
