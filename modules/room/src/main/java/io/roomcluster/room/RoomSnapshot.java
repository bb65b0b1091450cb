package io.roomcluster.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.serialization.CborSerializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-only view of a room, as answered to {@code GetState} and inside {@code Joined}. Expired
 * transient entries are already filtered out.
 *
 * @param phase which lifecycle phase the room is in
 * @param properties room properties from the backend, {@code null} if unknown
 * @param participants in join order
 * @param transientData unexpired transient data by key
 */
public record RoomSnapshot(
    RoomId roomId,
    RoomState.Phase phase,
    JsonNode properties,
    List<Participant> participants,
    Map<String, TransientEntry> transientData)
    implements CborSerializable {

  public RoomSnapshot {
    properties = JsonValues.orNull(properties);
    participants = participants == null ? List.of() : List.copyOf(participants);
    transientData = transientData == null || transientData.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(transientData));
  }

  static RoomSnapshot of(RoomId roomId, RoomState state, long nowEpochMillis) {
    if (state instanceof ActiveRoom active) {
      return new RoomSnapshot(roomId, state.phase(), active.properties(),
          List.copyOf(active.participants().values()), active.transientDataAt(nowEpochMillis));
    }
    return new RoomSnapshot(roomId, state.phase(), null, List.of(), Map.of());
  }

  /** The participant with that public session id, or {@code null}. */
  public Participant participant(String sessionId) {
    return participants.stream()
        .filter(p -> p.sessionId().equals(sessionId))
        .findFirst()
        .orElse(null);
  }
}
