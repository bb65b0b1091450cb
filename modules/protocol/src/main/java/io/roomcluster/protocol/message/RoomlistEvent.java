package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code roomlist} {@code invite} ({@code roomid, properties}) and {@code disinvite}
 * ({@code roomid, reason}) payload.
 *
 * @param reason {@code disinvited} or {@code deleted}
 */
@JsonPropertyOrder({"roomid", "properties", "reason"})
public record RoomlistEvent(
        String roomid,
        JsonNode properties,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String reason) {

    public static final String DISINVITED = "disinvited";
    public static final String DELETED = "deleted";
}
