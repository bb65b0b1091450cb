package io.roomcluster.gateway.cluster;

import io.roomcluster.gateway.metrics.Metrics;
import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.gateway.session.SessionLine;
import io.roomcluster.gateway.session.SessionRegistry;
import io.roomcluster.gateway.ws.Backlog;
import io.roomcluster.room.NodeIds;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * How a frame reaches sessions wherever they are connected. Sessions on this node are served
 * directly; for others, room members go once per node (by the node each participant records),
 * and a single session is found through a location cache that a miss refreshes: an unknown Sid
 * is offered to every node once, the node that has it answers, later frames go straight there.
 */
public final class ClusterDelivery {

  /** Bound on cached session locations; the cache is cleared beyond (it refills on demand). */
  private static final int MAX_CACHED_LOCATIONS = 200_000;

  private final ActorSystem<?> system;
  private final SessionRegistry registry;
  private final Metrics metrics;
  /** This node incarnation as participants record it ({@link NodeIds}). */
  private final String selfNodeId;
  private final String selfAddress;
  private final Map<Long, ActorRef<NodeDelivery.Command>> locations = new ConcurrentHashMap<>();
  private volatile ActorRef<NodeDelivery.Command> self;
  private volatile Map<String, ActorRef<NodeDelivery.Command>> nodesByAddress = Map.of();
  private volatile List<ActorRef<NodeDelivery.Command>> remoteNodes = List.of();
  /** The Receptionist's last listing, before {@link #departed} is taken out of it (NodeDelivery's only). */
  private Set<ActorRef<NodeDelivery.Command>> listed = Set.of();
  /**
   * Addresses of nodes that exited the cluster (or were downed) and did not come back yet. The
   * Receptionist lists a node for seconds after its process ended, and what is sent to it then is
   * lost: frames for its former sessions (which resumed elsewhere during its drain) go to every
   * node instead, and the one that has the session delivers.
   */
  private volatile Set<String> departed = Set.of();

  public ClusterDelivery(ActorSystem<?> system, SessionRegistry registry, Metrics metrics, String selfNodeId) {
    this.system = system;
    this.registry = registry;
    this.metrics = metrics;
    this.selfNodeId = selfNodeId;
    this.selfAddress = NodeIds.addressOf(selfNodeId);
  }

  /** Called once, with this node's delivery actor. */
  public void start(ActorRef<NodeDelivery.Command> selfNode) {
    this.self = selfNode;
  }

  public String selfNodeId() {
    return selfNodeId;
  }

  // ---------------------------------------------------------------- membership

  /** The Receptionist's listing changed (called by this node's {@link NodeDelivery} only). */
  void nodesChanged(Set<ActorRef<NodeDelivery.Command>> nodes) {
    listed = Set.copyOf(nodes);
    rebuildTargets();
  }

  /** A member exited the cluster or was downed: nothing more is sent to its address. */
  void memberDeparted(Address address) {
    if (!address.toString().equals(selfAddress)) {
      markDeparted(address.toString(), true);
    }
  }

  /** A member (a new incarnation of a departed address, say) joined. */
  void memberArrived(Address address) {
    markDeparted(address.toString(), false);
  }

  private void markDeparted(String address, boolean gone) {
    if (departed.contains(address) != gone) {
      Set<String> changed = new java.util.HashSet<>(departed);
      if (gone) {
        changed.add(address);
      } else {
        changed.remove(address);
      }
      departed = Set.copyOf(changed);
      rebuildTargets();
    }
  }

  private void rebuildTargets() {
    Map<String, ActorRef<NodeDelivery.Command>> byAddress = new HashMap<>();
    List<ActorRef<NodeDelivery.Command>> remotes = new ArrayList<>();
    Set<String> gone = departed;
    for (ActorRef<NodeDelivery.Command> node : listed) {
      Address address = node.path().address();
      if (address.hasLocalScope()) {
        byAddress.put(selfAddress, node);
      } else if (!gone.contains(address.toString())) {
        byAddress.put(address.toString(), node);
        remotes.add(node);
      }
    }
    nodesByAddress = Map.copyOf(byAddress);
    remoteNodes = List.copyOf(remotes);
    locations.values().removeIf(node -> !listed.contains(node) || !isTarget(node));
  }

  /** Whether frames may be sent to this node: it has not departed. */
  boolean isTarget(ActorRef<NodeDelivery.Command> node) {
    Address address = node.path().address();
    return address.hasLocalScope() || !departed.contains(address.toString());
  }

  /** Whether the delivery actor of every Up member is known here (the Receptionist view caught up). */
  public boolean knowsEveryUpMember() {
    Map<String, ActorRef<NodeDelivery.Command>> known = nodesByAddress;
    for (org.apache.pekko.cluster.Member member : org.apache.pekko.cluster.typed.Cluster.get(system).state().getMembers()) {
      if (member.status().equals(org.apache.pekko.cluster.MemberStatus.up())
          && !known.containsKey(member.address().toString())) {
        return false;
      }
    }
    return true;
  }

  void remember(long sid, ActorRef<NodeDelivery.Command> node) {
    if (!isTarget(node)) {
      return;
    }
    if (locations.size() >= MAX_CACHED_LOCATIONS) {
      locations.clear();
    }
    locations.put(sid, node);
  }

  void forget(long sid) {
    locations.remove(sid);
  }

  // ---------------------------------------------------------------- delivery

  /**
   * A frame for one session (by the Sid decoded from its public id). Returns the recipient's
   * socket when it is on this node and backed up (see {@link SessionLine#deliver}), else null:
   * frames to other nodes are not held back by their recipients.
   */
  public Backlog toSession(long sid, String json) {
    SessionLine local = registry.lineBySid(sid);
    if (local != null) {
      return local.deliver(json);
    }
    Optional<SessionRegistry.Forward> forward = registry.forwardBySid(sid);
    if (forward.isPresent()) {
      forwardOrLocate(forward.get(), json);
      return null;
    }
    ActorRef<NodeDelivery.Command> node = locations.get(sid);
    if (node != null) {
      node.tell(new NodeDelivery.ToSid(sid, json, false, self));
    } else {
      locateAndSend(sid, json);
    }
    return null;
  }

  /**
   * A frame for a session this node handed to another: forwarded there, or, when that node has
   * departed since (the session moved on during its drain), offered to every node.
   */
  void forwardOrLocate(SessionRegistry.Forward forward, String json) {
    if (isTarget(forward.node())) {
      forward.node().tell(new NodeDelivery.Forwarded(forward.sid(), json));
    } else {
      locateAndSend(forward.sid(), json);
    }
  }

  void locateAndSend(long sid, String json) {
    for (ActorRef<NodeDelivery.Command> node : remoteNodes) {
      node.tell(new NodeDelivery.ToSid(sid, json, true, self));
    }
  }

  /** A frame for every session of a user, on every node. */
  public void toUser(String backendId, String userId, String json) {
    registry.byUser(backendId, userId).forEach(s -> s.tell(new ClientSession.Deliver(json)));
    for (ActorRef<NodeDelivery.Command> node : remoteNodes) {
      node.tell(new NodeDelivery.ToUser(backendId, userId, json));
    }
  }

  /** A frame for room members: served here, or sent once per node that has members. */
  public void toParticipants(List<Participant> recipients, String json) {
    byNode(recipients)
        .forEach(
            (node, ids) -> {
              if (node.equals(selfNodeId)) {
                deliverLocally(ids, json, true);
              } else {
                // A member recorded at an old incarnation of a node reaches the new one, which
                // does not know it: dropped there, like a frame for an expired session.
                ActorRef<NodeDelivery.Command> target = nodesByAddress.get(NodeIds.addressOf(node));
                if (target != null) {
                  target.tell(new NodeDelivery.ToSessions(ids, json, false));
                } else {
                  // Its node departed (or is not listed yet): the members resumed elsewhere, or
                  // will be reaped. Every node delivers to those of them it has.
                  metrics.roomDeliveriesToUnknownNode(ids.size());
                  deliverLocally(ids, json, false);
                  remoteNodes.forEach(remote -> remote.tell(new NodeDelivery.ToSessions(ids, json, true)));
                }
              }
            });
  }

  public void roomGone(RoomId roomId, List<Participant> recipients, String json) {
    byNode(recipients)
        .forEach(
            (node, ids) -> {
              ActorRef<NodeDelivery.Command> target =
                  node.equals(selfNodeId) ? self : nodesByAddress.get(NodeIds.addressOf(node));
              if (target != null) {
                target.tell(new NodeDelivery.RoomGone(roomId, ids, json));
              } else {
                // Only the node that has the session acts on it: safe to offer to all.
                metrics.roomDeliveriesToUnknownNode(ids.size());
                self.tell(new NodeDelivery.RoomGone(roomId, ids, json));
                remoteNodes.forEach(remote -> remote.tell(new NodeDelivery.RoomGone(roomId, ids, json)));
              }
            });
  }

  /** Tells a member's session, wherever it is connected, its new permissions in the room. */
  public void permissionsChanged(RoomId roomId, Participant participant, Set<String> permissions) {
    if (participant.node() == null) {
      return;
    }
    ActorRef<NodeDelivery.Command> target =
        participant.node().equals(selfNodeId) ? self : nodesByAddress.get(NodeIds.addressOf(participant.node()));
    NodeDelivery.PermissionsChanged change =
        new NodeDelivery.PermissionsChanged(roomId, participant.sessionId(), Set.copyOf(permissions));
    if (target != null) {
      target.tell(change);
    } else {
      self.tell(change); // acted on only where the session is
      remoteNodes.forEach(remote -> remote.tell(change));
    }
  }

  /** Disinvites the given room members and every session of the given users, on every node. */
  public void disinvite(RoomId roomId, List<Participant> members, String backendId, List<String> userIds, String json) {
    Map<String, List<String>> membersByAddress = new HashMap<>();
    byNode(members).forEach((node, ids) -> membersByAddress.computeIfAbsent(NodeIds.addressOf(node), a -> new ArrayList<>()).addAll(ids));
    nodesByAddress.forEach(
        (address, node) ->
            node.tell(new NodeDelivery.Disinvite(roomId, membersByAddress.getOrDefault(address, List.of()), backendId, userIds, json)));
  }

  /**
   * Asks every other reachable node for the session; completes with its state if one handed it
   * over. Unreachable nodes (a crashed one not yet downed) are not waited for: the session comes
   * back from the replicated directory instead.
   */
  public CompletionStage<Optional<SessionHandover>> takeOver(long sid, Duration timeout) {
    Set<String> unreachable = new java.util.HashSet<>();
    org.apache.pekko.cluster.typed.Cluster.get(system).state().getUnreachable()
        .forEach(member -> unreachable.add(member.address().toString()));
    List<ActorRef<NodeDelivery.Command>> nodes =
        remoteNodes.stream().filter(node -> !unreachable.contains(node.path().address().toString())).toList();
    if (nodes.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<Optional<SessionHandover>> result = new CompletableFuture<>();
    AtomicInteger outstanding = new AtomicInteger(nodes.size());
    for (ActorRef<NodeDelivery.Command> node : nodes) {
      AskPattern.<NodeDelivery.Command, NodeDelivery.TakeOverReply>ask(
              node, replyTo -> new NodeDelivery.TakeOver(sid, replyTo, self), timeout, system.scheduler())
          .whenComplete(
              (reply, failure) -> {
                if (reply != null && reply.handover().isPresent()) {
                  result.complete(reply.handover());
                } else if (outstanding.decrementAndGet() == 0) {
                  result.complete(Optional.empty());
                }
              });
    }
    return result;
  }

  /**
   * To these sessions where they are connected here; with {@code forward}, also to those this node
   * handed over a moment ago. Without, for a frame offered to every node: the session's own node
   * has its copy, a forward would make a second one.
   */
  void deliverLocally(List<String> publicIds, String json, boolean forward) {
    for (String id : publicIds) {
      SessionLine session = registry.lineByPublicId(id);
      if (session != null) {
        session.deliver(json);
      } else if (forward) {
        registry.forwardByPublicId(id).ifPresent(f -> forwardOrLocate(f, json));
      }
    }
  }

  private static Map<String, List<String>> byNode(List<Participant> participants) {
    Map<String, List<String>> result = new HashMap<>();
    for (Participant p : participants) {
      if (p.node() != null) {
        result.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p.sessionId());
      }
    }
    return result;
  }
}
