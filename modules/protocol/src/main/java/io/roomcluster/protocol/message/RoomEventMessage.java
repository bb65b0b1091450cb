package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code room}/{@code message} event payload: Nextcloud's room message (chat refresh, recording, ...). */
@JsonPropertyOrder({"roomid", "data"})
public record RoomEventMessage(String roomid, JsonNode data) {
}
