package io.roomcluster.room;

import java.util.Set;

/**
 * One entry of a backend participants update ({@code participants}/{@code incall} request of
 * Nextcloud). Fields left {@code null} stay as they are.
 *
 * @param sessionId public signaling session id; unknown ids are ignored by the room
 * @param participantType 0..6 or {@code null}
 * @param permissions new permission strings or {@code null}
 * @param inCall in-call flags (0..15) or {@code null}
 */
public record ParticipantUpdate(
    String sessionId, Integer participantType, Set<String> permissions, Integer inCall) {

  public ParticipantUpdate {
    permissions = permissions == null ? null : JsonValues.sortedSet(permissions);
  }

  /** Why this update is invalid, or {@code null} if it is valid. */
  String validationError() {
    if (sessionId == null || sessionId.isBlank()) {
      return "participant update without session id";
    }
    if (participantType != null && !Participant.validParticipantType(participantType)) {
      return "invalid participant type " + participantType + " for session " + sessionId;
    }
    if (inCall != null && !Participant.validInCall(inCall)) {
      return "invalid in-call flags " + inCall + " for session " + sessionId;
    }
    return null;
  }

  Participant applyTo(Participant p) {
    Participant result = p;
    if (participantType != null) {
      result = result.withParticipantType(participantType);
    }
    if (permissions != null) {
      result = result.withPermissions(permissions);
    }
    if (inCall != null) {
      result = result.withInCall(inCall);
    }
    return result;
  }
}
