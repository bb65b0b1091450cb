package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a client {@code room} message: join {@code roomid}, or leave the current room
 * when it is {@code ""}. A missing {@code roomid} reads as {@code ""}, as in Go.
 *
 * @param sessionid  the Nextcloud room session id; optional (the server then uses the
 *                   public session id)
 * @param federation HEAD federation join: {@code {"signaling","url","roomid","token"}}
 */
@JsonPropertyOrder({"roomid", "sessionid", "federation"})
public record RoomRequest(
        @JsonInclude(JsonInclude.Include.ALWAYS) String roomid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String sessionid,
        JsonNode federation) {

    public RoomRequest {
        roomid = roomid == null ? "" : roomid;
    }

    public boolean isLeave() {
        return roomid.isEmpty();
    }

    void validate() {
        if (federation == null) {
            return;
        }
        if (!federation.isObject()) {
            throw ProtocolException.invalidFormat("federation is not an object");
        }
        requireText(federation, "signaling");
        requireText(federation, "url");
        requireText(federation, "token");
        JsonNode remoteRoom = federation.get("roomid");
        if (remoteRoom != null && !remoteRoom.isTextual() && !remoteRoom.isNull()) {
            throw ProtocolException.invalidFormat("federation roomid is not a string");
        }
    }

    private static void requireText(JsonNode federation, String field) {
        if (Json.nonEmptyText(federation, field) == null) {
            throw ProtocolException.invalidFormat("federation " + field + " missing");
        }
    }
}
