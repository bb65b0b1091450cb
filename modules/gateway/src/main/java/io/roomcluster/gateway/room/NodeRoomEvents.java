package io.roomcluster.gateway.room;

import io.roomcluster.gateway.backend.BackendRegistry;
import io.roomcluster.gateway.backend.NextcloudClient;
import io.roomcluster.gateway.cluster.ClusterDelivery;
import io.roomcluster.protocol.backend.BackendClientRequest;
import io.roomcluster.protocol.message.EventMessage;
import io.roomcluster.protocol.message.EventSessionEntry;
import io.roomcluster.protocol.message.RoomResponse;
import io.roomcluster.protocol.message.ServerMessage;
import io.roomcluster.protocol.message.TransientMessage;
import io.roomcluster.room.Participant;
import io.roomcluster.room.RoomEvent;
import io.roomcluster.room.RoomEventPublisher;
import io.roomcluster.room.RoomId;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Turns room events into Talk frames for the room's members. Runs on the node that hosts the room
 * entity; each frame is serialized once per event and sent once per node that has members.
 */
public final class NodeRoomEvents implements RoomEventPublisher {

  private final ActorSystem<?> system;
  private final ClusterDelivery delivery;
  private final NextcloudClient nextcloud;
  private final BackendRegistry backends;

  public NodeRoomEvents(ActorSystem<?> system, ClusterDelivery delivery, NextcloudClient nextcloud, BackendRegistry backends) {
    this.system = system;
    this.delivery = delivery;
    this.nextcloud = nextcloud;
    this.backends = backends;
  }

  /**
   * Reaped sessions died with their node, which would have told Nextcloud of their leave when
   * they expired: the room's node does it instead, as the reference does for an expired session.
   */
  @Override
  public void reaped(RoomId room, List<Participant> ghosts) {
    backends.byId(room.backendId()).ifPresent(backend -> {
      for (Participant ghost : ghosts) {
        if (ghost.backendUrl() == null || ghost.backendUrl().isEmpty()) {
          continue; // internal clients, or joined before the URL was recorded
        }
        nextcloud
            .backendRequest(ghost.backendUrl(), backend,
                BackendClientRequest.leave(room.token(), ghost.userId() == null ? "" : ghost.userId(), ghost.roomSessionId()))
            .whenComplete((response, failure) -> {
              if (failure != null) {
                system.log().info("leave of reaped session {} in {} not reported: {}", ghost.sessionId(), room, failure.toString());
              }
            });
      }
    });
  }

  @Override
  public void publish(RoomId room, RoomEvent event, List<Participant> recipients) {
    if (event instanceof RoomEvent.ParticipantJoined joined) {
      // The joiner announces itself after its room answer; see ClientSession.
      String json = ServerMessage.event(EventMessage.join(List.of(entryOf(joined.participant())))).toJson();
      String joiner = joined.participant().sessionId();
      delivery.toParticipants(recipients.stream().filter(p -> !p.sessionId().equals(joiner)).toList(), json);
    } else if (event instanceof RoomEvent.ParticipantLeft left) {
      deliverAll(recipients, ServerMessage.event(EventMessage.leave(List.of(left.sessionId()))).toJson());
    } else if (event instanceof RoomEvent.PropertiesUpdated updated) {
      deliverAll(recipients, ServerMessage.room(null, new RoomResponse(room.token(), updated.properties())).toJson());
    } else if (event instanceof RoomEvent.TransientSet set) {
      deliverAll(recipients, ServerMessage.transientMessage(TransientMessage.set(set.key(), set.value(), set.oldValue())).toJson());
    } else if (event instanceof RoomEvent.TransientRemoved removed) {
      deliverAll(recipients, ServerMessage.transientMessage(TransientMessage.remove(removed.key(), removed.oldValue())).toJson());
    } else if (event instanceof RoomEvent.PermissionsChanged changed) {
      tellPermissions(room, recipients, changed.sessionId(), changed.permissions());
    } else if (event instanceof RoomEvent.ParticipantsUpdated updated) {
      for (var update : updated.updates()) {
        if (update.permissions() != null) {
          tellPermissions(room, recipients, update.sessionId(), update.permissions());
        }
      }
    } else if (event instanceof RoomEvent.AllInCallChanged all) {
      deliverAll(recipients, ServerMessage.event(EventMessage.inCallAll(room.token(), all.inCall())).toJson());
    } else if (event instanceof RoomEvent.RoomDeleted) {
      delivery.roomGone(room, recipients, ServerMessage.room(null, RoomResponse.left()).toJson());
    }
    // In-call, permission, mute and connection changes reach clients through the backend's
    // participants updates (backend API), not as events of their own.
  }

  private void tellPermissions(RoomId room, List<Participant> recipients, String sessionId, java.util.Set<String> permissions) {
    recipients.stream()
        .filter(p -> p.sessionId().equals(sessionId))
        .findFirst()
        .ifPresent(p -> delivery.permissionsChanged(room, p, permissions));
  }

  private void deliverAll(List<Participant> recipients, String json) {
    delivery.toParticipants(recipients, json);
  }

  @Override
  public void relay(RoomId room, Participant sender, boolean callOnly, List<Participant> recipients, String payload) {
    delivery.toParticipants(recipients, payload);
  }

  public static EventSessionEntry entryOf(Participant participant) {
    return new EventSessionEntry(
        participant.sessionId(), participant.userId() == null ? "" : participant.userId(), participant.user(),
        participant.roomSessionId(), participant.features(), null);
  }
}
