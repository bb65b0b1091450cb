package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code room}/{@code switchto} payload: move to breakout room {@code roomid}; optional {@code details}. */
@JsonPropertyOrder({"roomid", "details"})
public record SwitchtoEvent(String roomid, JsonNode details) {
}
