package io.roomcluster.gateway.room;

import io.roomcluster.gateway.cluster.ClusterDelivery;
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

/**
 * Turns room events into Talk frames for the room's members. Runs on the node that hosts the room
 * entity; each frame is serialized once per event and sent once per node that has members.
 */
public final class NodeRoomEvents implements RoomEventPublisher {

  private final ClusterDelivery delivery;

  public NodeRoomEvents(ClusterDelivery delivery) {
    this.delivery = delivery;
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
