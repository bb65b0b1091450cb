package io.roomcluster.gateway.cluster;

import io.roomcluster.gateway.session.ClientSession;
import io.roomcluster.gateway.session.SessionLine;
import io.roomcluster.gateway.session.SessionRegistry;
import io.roomcluster.room.RoomId;
import io.roomcluster.serialization.CborSerializable;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * One per node: receives what other nodes (and room entities living elsewhere) have for the
 * sessions connected here, and hands it to them. Registered with the Receptionist so every node
 * knows every other node's delivery actor ({@link ClusterDelivery}).
 */
public final class NodeDelivery {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "roomcluster-node-delivery");

  public sealed interface Command extends CborSerializable {}

  /**
   * A frame for these sessions (room members on this node). {@code offeredToAll}: sent to every
   * node because the members' node departed; only a node that has the session delivers it.
   */
  public record ToSessions(List<String> publicIds, String json, boolean offeredToAll) implements Command {}

  /** The room was deleted: these sessions forget it and get the frame. */
  public record RoomGone(RoomId roomId, List<String> publicIds, String json) implements Command {}

  /** Nextcloud disinvited these sessions (or users, when {@code userIds} is set) from a room. */
  public record Disinvite(RoomId roomId, List<String> publicIds, String backendId, List<String> userIds, String json)
      implements Command {}

  /**
   * A frame for one session, addressed by Sid. {@code sender} is the sending node: told where the
   * session is when {@code locate} (the sender did not know), or that it is not here.
   */
  public record ToSid(long sid, String json, boolean locate, ActorRef<Command> sender) implements Command {}

  public record SessionLocated(long sid, ActorRef<Command> node) implements Command {}

  public record SessionNotHere(long sid, String json) implements Command {}

  /** Nextcloud changed what this session may do in the room (next control message already obeys it). */
  public record PermissionsChanged(RoomId roomId, String publicId, java.util.Set<String> permissions) implements Command {}

  /** A frame for every session of a user on this node. */
  public record ToUser(String backendId, String userId, String json) implements Command {}

  /** Another node's client resumed this session: hand it over if it lives here. */
  public record TakeOver(long sid, ActorRef<TakeOverReply> replyTo, ActorRef<Command> newNode) implements Command {}

  /** A frame for a session this node took over from the sending node (which still got it). */
  public record Forwarded(long sid, String json) implements Command {}

  public record TakeOverReply(Optional<SessionHandover> handover) implements CborSerializable {}

  private record ListingUpdated(Receptionist.Listing listing) implements Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private enum PurgeForwards implements Command {
    INSTANCE
  }

  private static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofSeconds(10);

  private NodeDelivery() {}

  public static Behavior<Command> create(SessionRegistry registry, ClusterDelivery cluster) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> {
          timers.startTimerWithFixedDelay(PurgeForwards.INSTANCE, PURGE_INTERVAL);
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, ListingUpdated::new);
          context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, adapter));
          Cluster.get(context.getSystem()).subscriptions().tell(
              Subscribe.create(context.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                  ClusterEvent.MemberEvent.class));
          return Behaviors.receive(Command.class)
              .onMessage(ListingUpdated.class, m -> onListing(cluster, m.listing()))
              .onMessage(MemberChanged.class, m -> onMemberEvent(cluster, m.event()))
              .onMessage(ToSessions.class, m -> toSessions(cluster, m))
              .onMessage(RoomGone.class, m -> roomGone(registry, m))
              .onMessage(Disinvite.class, m -> disinvite(registry, m))
              .onMessage(ToSid.class, m -> toSid(context, registry, cluster, m))
              .onMessage(SessionLocated.class, m -> {
                cluster.remember(m.sid(), m.node());
                return Behaviors.same();
              })
              .onMessage(SessionNotHere.class, m -> {
                cluster.forget(m.sid());
                cluster.locateAndSend(m.sid(), m.json());
                return Behaviors.same();
              })
              .onMessage(ToUser.class, m -> {
                registry.byUser(m.backendId(), m.userId()).forEach(s -> s.tell(new ClientSession.Deliver(m.json())));
                return Behaviors.same();
              })
              .onMessage(TakeOver.class, m -> takeOver(registry, m))
              .onMessage(Forwarded.class, m -> forwarded(registry, m))
              .onMessageEquals(PurgeForwards.INSTANCE, () -> {
                registry.purgeForwards();
                return Behaviors.same();
              })
              .onMessage(PermissionsChanged.class, m -> {
                ActorRef<ClientSession.Command> session = registry.byPublicId(m.publicId());
                if (session != null) {
                  session.tell(new ClientSession.PermissionsChanged(m.roomId(), m.permissions()));
                }
                return Behaviors.same();
              })
              .build();
        }));
  }

  private static Behavior<Command> onListing(ClusterDelivery cluster, Receptionist.Listing listing) {
    cluster.nodesChanged(listing.getServiceInstances(KEY));
    return Behaviors.same();
  }

  /**
   * A member that exited (its drain is over, its process ends in a moment) or was downed gets no
   * more frames, before the Receptionist stops listing it seconds later; a new incarnation at
   * its address gets them again once it joins.
   */
  private static Behavior<Command> onMemberEvent(ClusterDelivery cluster, ClusterEvent.MemberEvent event) {
    if (event instanceof ClusterEvent.MemberExited || event instanceof ClusterEvent.MemberDowned
        || event instanceof ClusterEvent.MemberRemoved) {
      cluster.memberDeparted(event.member().address());
    } else if (event instanceof ClusterEvent.MemberJoined || event instanceof ClusterEvent.MemberWeaklyUp
        || event instanceof ClusterEvent.MemberUp) {
      cluster.memberArrived(event.member().address());
    }
    return Behaviors.same();
  }

  private static Behavior<Command> toSessions(ClusterDelivery cluster, ToSessions m) {
    // Not offered to all: a member not here was handed to another node a moment ago, and the
    // room does not know yet; it is forwarded.
    cluster.deliverLocally(m.publicIds(), m.json(), !m.offeredToAll());
    return Behaviors.same();
  }

  private static Behavior<Command> forwarded(SessionRegistry registry, Forwarded m) {
    SessionLine session = registry.lineBySid(m.sid());
    if (session != null) {
      session.deliver(m.json());
    } else {
      registry.offerArrival(m.sid(), m.json(), false); // the session is still starting here
    }
    return Behaviors.same();
  }

  private static Behavior<Command> roomGone(SessionRegistry registry, RoomGone m) {
    for (String id : m.publicIds()) {
      ActorRef<ClientSession.Command> session = registry.byPublicId(id);
      if (session != null) {
        session.tell(new ClientSession.RoomGone(m.roomId(), m.json()));
      }
    }
    return Behaviors.same();
  }

  private static Behavior<Command> disinvite(SessionRegistry registry, Disinvite m) {
    java.util.Set<ActorRef<ClientSession.Command>> targets = new java.util.LinkedHashSet<>();
    for (String id : m.publicIds()) {
      ActorRef<ClientSession.Command> session = registry.byPublicId(id);
      if (session != null) {
        targets.add(session);
      }
    }
    for (String user : m.userIds()) {
      targets.addAll(registry.byUser(m.backendId(), user));
    }
    targets.forEach(s -> s.tell(new ClientSession.Disinvited(m.roomId(), m.json())));
    return Behaviors.same();
  }

  private static Behavior<Command> toSid(ActorContext<Command> context, SessionRegistry registry, ClusterDelivery cluster, ToSid m) {
    SessionLine session = registry.lineBySid(m.sid());
    if (session != null) {
      if (!(m.locate() && registry.isHandedOverCopy(m.sid(), m.json()))) {
        session.deliver(m.json()); // else its old node queued the other copy into the hand-over
      }
      if (m.locate()) {
        m.sender().tell(new SessionLocated(m.sid(), context.getSelf()));
      }
    } else if (registry.offerArrival(m.sid(), m.json(), m.locate())) {
      // Being taken over by this node right now: the frame waits for the session to start.
      if (m.locate()) {
        m.sender().tell(new SessionLocated(m.sid(), context.getSelf()));
      }
    } else if (!m.locate()) {
      Optional<SessionRegistry.Forward> forward = registry.forwardBySid(m.sid());
      if (forward.isPresent() && cluster.isTarget(forward.get().node())) {
        // Handed over from here: forward the frame and point the sender at the new node.
        forward.get().node().tell(new Forwarded(m.sid(), m.json()));
        m.sender().tell(new SessionLocated(m.sid(), forward.get().node()));
      } else {
        // The sender's cache is stale (the session resumed elsewhere or expired, or moved on
        // from a node that departed since).
        m.sender().tell(new SessionNotHere(m.sid(), m.json()));
      }
    }
    // A located broadcast reached every node: the session's new node got its own copy, so a
    // node that only forwards stays silent (no duplicate).
    return Behaviors.same();
  }

  private static Behavior<Command> takeOver(SessionRegistry registry, TakeOver m) {
    Optional<ActorRef<ClientSession.Command>> session = registry.bySid(m.sid());
    if (session.isPresent()) {
      session.get().tell(new ClientSession.HandOver(m.replyTo(), m.newNode()));
    } else {
      m.replyTo().tell(new TakeOverReply(Optional.empty()));
    }
    return Behaviors.same();
  }
}
