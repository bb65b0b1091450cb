package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.protocol.message.Json;
import java.util.List;

/**
 * A request we POST to Nextcloud's signaling backend ({@code .../api/v3/signaling/backend}):
 * {@code {"type":"<t>","<t>":{"version":"1.0",...}}}. The body bytes from {@link #toJsonBytes()}
 * are what gets signed and sent.
 */
@JsonPropertyOrder({"type", "auth", "room", "ping", "session"})
public record BackendClientRequest(
        String type,
        AuthRequest auth,
        BackendRoomRequest room,
        PingRequest ping,
        SessionRequest session) {

    public static final String VERSION = "1.0";

    public static BackendClientRequest auth(JsonNode params) {
        return new BackendClientRequest("auth", new AuthRequest(VERSION, params), null, null, null);
    }

    public static BackendClientRequest room(BackendRoomRequest room) {
        return new BackendClientRequest("room", null, room, null, null);
    }

    /** @param sessionid the Nextcloud room session id */
    public static BackendClientRequest join(String roomid, String userid, String sessionid) {
        return room(new BackendRoomRequest(VERSION, roomid, userid, sessionid, null, null, null, null));
    }

    public static BackendClientRequest leave(String roomid, String userid, String sessionid) {
        return room(new BackendRoomRequest(VERSION, roomid, userid, sessionid, BackendRoomRequest.LEAVE,
                null, null, null));
    }

    public static BackendClientRequest ping(String roomid, List<PingEntry> entries) {
        return new BackendClientRequest("ping", null, null, new PingRequest(VERSION, roomid, entries), null);
    }

    /** @param action {@link SessionRequest#ADD} or {@link SessionRequest#REMOVE} */
    public static BackendClientRequest session(String roomid, String action, String sessionid, String userid,
            JsonNode user) {
        return new BackendClientRequest("session", null, null, null,
                new SessionRequest(VERSION, roomid, action, sessionid, userid, user));
    }

    public byte[] toJsonBytes() {
        return Json.writeBytes(this);
    }
}
