package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Payload of a server {@code event}; {@code target} + {@code type} say which one field is set:
 * <ul>
 *   <li>{@code room}: {@code join}, {@code leave}, {@code message}, {@code switchto}</li>
 *   <li>{@code roomlist}: {@code invite}, {@code disinvite}, {@code update} (room properties)</li>
 *   <li>{@code participants}: {@code update} (users / in-call), {@code flags}</li>
 * </ul>
 */
@JsonPropertyOrder({"target", "type", "join", "leave", "switchto", "invite", "disinvite", "update", "flags", "message"})
public record EventMessage(
        String target,
        String type,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EventSessionEntry> join,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> leave,
        RoomEventMessage message,
        RoomlistEvent invite,
        RoomlistEvent disinvite,
        UpdateEvent update,
        FlagsEvent flags,
        SwitchtoEvent switchto) {

    public static final String TARGET_ROOM = "room";
    public static final String TARGET_ROOMLIST = "roomlist";
    public static final String TARGET_PARTICIPANTS = "participants";

    public static EventMessage join(List<EventSessionEntry> sessions) {
        return new EventMessage(TARGET_ROOM, "join", sessions, null, null, null, null, null, null, null);
    }

    public static EventMessage leave(List<String> sessionIds) {
        return new EventMessage(TARGET_ROOM, "leave", null, sessionIds, null, null, null, null, null, null);
    }

    public static EventMessage roomMessage(String roomid, JsonNode data) {
        return new EventMessage(TARGET_ROOM, "message", null, null,
                new RoomEventMessage(roomid, data), null, null, null, null, null);
    }

    public static EventMessage switchto(String roomid, JsonNode details) {
        return new EventMessage(TARGET_ROOM, "switchto", null, null, null, null, null, null, null,
                new SwitchtoEvent(roomid, details));
    }

    public static EventMessage invite(String roomid, JsonNode properties) {
        return new EventMessage(TARGET_ROOMLIST, "invite", null, null, null,
                new RoomlistEvent(roomid, properties, null), null, null, null, null);
    }

    /** @param reason {@link RoomlistEvent#DISINVITED} or {@link RoomlistEvent#DELETED} */
    public static EventMessage disinvite(String roomid, String reason) {
        return new EventMessage(TARGET_ROOMLIST, "disinvite", null, null, null, null,
                new RoomlistEvent(roomid, null, reason), null, null, null);
    }

    public static EventMessage roomlistUpdate(String roomid, JsonNode properties) {
        return new EventMessage(TARGET_ROOMLIST, "update", null, null, null, null, null,
                UpdateEvent.roomProperties(roomid, properties), null, null);
    }

    public static EventMessage participantsUpdate(String roomid, List<ObjectNode> users) {
        return new EventMessage(TARGET_PARTICIPANTS, "update", null, null, null, null, null,
                UpdateEvent.participants(roomid, users), null, null);
    }

    public static EventMessage inCallAll(String roomid, int incall) {
        return new EventMessage(TARGET_PARTICIPANTS, "update", null, null, null, null, null,
                UpdateEvent.inCallAll(roomid, incall), null, null);
    }

    public static EventMessage flags(String roomid, String sessionid, long flags) {
        return new EventMessage(TARGET_PARTICIPANTS, "flags", null, null, null, null, null, null,
                new FlagsEvent(roomid, sessionid, flags), null);
    }
}
