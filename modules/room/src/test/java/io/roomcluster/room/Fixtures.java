package io.roomcluster.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Test data. */
final class Fixtures {
  private Fixtures() {}

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String NODE_A = "pekko://roomcluster@127.0.0.1:25520";
  static final String NODE_B = "pekko://roomcluster@127.0.0.1:25521";

  static JsonNode json(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static RoomId newRoomId() {
    return new RoomId("backend-1", "room-" + UUID.randomUUID());
  }

  /** A connected user (type 3) on node A, not in the call. */
  static Participant participant(String sessionId) {
    return new Participant(sessionId, "user-" + sessionId, "nc-" + sessionId,
        Participant.TYPE_USER, Set.of("publish-audio", "publish-video"), 0, MuteState.NONE, true,
        NODE_A, json("{\"displayname\":\"User " + sessionId + "\"}"), List.of("chat-relay"));
  }

  static Participant moderator(String sessionId) {
    return participant(sessionId).withParticipantType(Participant.TYPE_MODERATOR);
  }

  static JsonNode properties(String name) {
    return json("{\"name\":\"" + name + "\",\"type\":2,\"lobby-state\":0,\"lobby-timer\":null,"
        + "\"read-only\":0,\"listable\":0,\"active-since\":null,\"sip-enabled\":0,"
        + "\"participant-list\":\"refresh\"}");
  }
}
