package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a server {@code room} message: the joined room with Nextcloud's properties, or
 * {@code roomid ""} after leaving (always written).
 */
@JsonPropertyOrder({"roomid", "properties"})
public record RoomResponse(@JsonInclude(JsonInclude.Include.ALWAYS) String roomid, JsonNode properties) {

    public RoomResponse {
        roomid = roomid == null ? "" : roomid;
    }

    public static RoomResponse left() {
        return new RoomResponse("", null);
    }
}
