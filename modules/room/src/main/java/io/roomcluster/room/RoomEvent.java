package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.serialization.JsonSerializable;
import java.util.List;
import java.util.Set;

/**
 * What happened to a room: the journal of a {@link RoomEntity}, and what the {@link
 * RoomEventPublisher} fans out.
 *
 * <p>Schema version: every event class is bound to {@link RoomSchemaMigration} in {@code
 * serialization.conf}, so Pekko's Jackson serializer writes the version into the manifest
 * ({@code io.roomcluster.room.RoomEvent$ParticipantJoined#1}) rather than into each payload. A
 * later incompatible change raises {@code currentVersion()} and transforms the old JSON there.
 * {@code RoomSerializationTest} fails if an event class is added without a binding.
 */
public sealed interface RoomEvent extends JsonSerializable {

  /** A session joined, or re-joined (then it replaces the previous entry, keeping its mute). */
  record ParticipantJoined(Participant participant) implements RoomEvent {}

  /**
   * A session left. Its {@code sd:<sessionId>} transient key goes with it, and when the last
   * participant leaves, all transient data is dropped (it lives only while the room has sessions).
   */
  record ParticipantLeft(String sessionId) implements RoomEvent {}

  record InCallChanged(String sessionId, int inCall) implements RoomEvent {}

  /** The backend's {@code incall} request with {@code all: true}. */
  record AllInCallChanged(int inCall) implements RoomEvent {}

  record PermissionsChanged(String sessionId, Set<String> permissions) implements RoomEvent {
    public PermissionsChanged {
      permissions = JsonValues.sortedSet(permissions);
    }
  }

  /**
   * @param actorSessionId who imposed it; {@code null} for the backend / internal clients
   * @param mute the target's mute state after the change
   */
  record ModeratorMuteChanged(String actorSessionId, String targetSessionId, MuteState mute)
      implements RoomEvent {}

  record PropertiesUpdated(JsonNode properties) implements RoomEvent {
    public PropertiesUpdated {
      properties = JsonValues.orNull(properties);
    }
  }

  /** The updates of a backend participants request that named sessions of this room. */
  record ParticipantsUpdated(List<ParticipantUpdate> updates) implements RoomEvent {
    public ParticipantsUpdated {
      updates = List.copyOf(updates);
    }
  }

  /**
   * @param oldValue the previous (unexpired) value, for the {@code oldvalue} the clients get
   * @param atEpochMillis when it was set: entries that had expired by then are dropped with this
   *     event, which keeps the lazy expiry deterministic on replay
   */
  record TransientSet(
      String key, JsonNode value, JsonNode oldValue, Long expiresAtEpochMillis, long atEpochMillis)
      implements RoomEvent {
    public TransientSet {
      value = JsonValues.orNull(value);
      oldValue = JsonValues.orNull(oldValue);
    }
  }

  /** See {@link TransientSet} for {@code oldValue} and {@code atEpochMillis}. */
  record TransientRemoved(String key, JsonNode oldValue, long atEpochMillis) implements RoomEvent {
    public TransientRemoved {
      oldValue = JsonValues.orNull(oldValue);
    }
  }

  /** The session lost its connection (waiting for a resume) or resumed, possibly on another node. */
  record ConnectionChanged(String sessionId, boolean connected, String node)
      implements RoomEvent {}

  /** Final: a deleted room rejects every further command. */
  record RoomDeleted() implements RoomEvent {}
}
