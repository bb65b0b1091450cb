package io.roomcluster.room;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.ClusterEvent;

/** A cluster membership the test changes by hand; removals are announced with NodeRemoved. */
final class FakeMembership implements ClusterMembership {

  private final Set<String> alive = ConcurrentHashMap.newKeySet();
  final List<ActorRef<ClusterEvent.MemberRemoved>> subscribers = new CopyOnWriteArrayList<>();

  FakeMembership(String... aliveNodes) {
    alive.addAll(List.of(aliveNodes));
  }

  /** Nodes A and B of {@link Fixtures} are alive. */
  static FakeMembership nodesAandB() {
    return new FakeMembership(Fixtures.NODE_A, Fixtures.NODE_B);
  }

  void up(String node) {
    alive.add(node);
  }

  void gone(String node) {
    alive.remove(node);
  }

  @Override
  public Set<String> aliveNodes() {
    return Set.copyOf(alive);
  }

  @Override
  public void subscribeToRemovals(ActorRef<ClusterEvent.MemberRemoved> subscriber) {
    subscribers.add(subscriber);
  }
}
