package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The {@code update} payload, shared by two events as in Go's {@code RoomEventServerMessage}:
 * {@code roomlist}/{@code update} ({@code roomid, properties}) and {@code participants}/{@code update}
 * ({@code roomid, users} or {@code roomid, incall, all:true}).
 *
 * @param users   Nextcloud's participant entries with mapped session ids, plus internal and
 *                virtual sessions; entry fields vary with the Talk version
 * @param changed the entries that changed (Go still has the field; the browser reads {@code users})
 * @param all     {@code true} for the "everybody's in-call flags" form, else omitted
 */
@JsonPropertyOrder({"roomid", "properties", "incall", "changed", "users", "all"})
public record UpdateEvent(
        String roomid,
        JsonNode properties,
        Integer incall,
        List<ObjectNode> changed,
        List<ObjectNode> users,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean all) {

    public static UpdateEvent roomProperties(String roomid, JsonNode properties) {
        return new UpdateEvent(roomid, properties, null, null, null, null);
    }

    public static UpdateEvent participants(String roomid, List<ObjectNode> users) {
        return new UpdateEvent(roomid, null, null, null, users, null);
    }

    public static UpdateEvent inCallAll(String roomid, int incall) {
        return new UpdateEvent(roomid, null, incall, null, null, true);
    }
}
