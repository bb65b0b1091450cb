package io.roomcluster.protocol.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.protocol.message.ClientMessage;
import io.roomcluster.protocol.message.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request bodies the reference POSTed to the fake backend (anchor-baseline.md 4.3/4.5), byte for byte. */
class BackendClientRequestTest {

    private static String body(BackendClientRequest request) {
        return new String(request.toJsonBytes(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void authForwardsTheHelloParamsVerbatim() {
        ClientMessage hello = ClientMessage.parse("{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"\","
                + "\"auth\":{\"params\":{},\"url\":\"http://[::]:40137/auth\"}}}");
        byte[] body = BackendClientRequest.auth(hello.hello().auth().params()).toJsonBytes();

        assertArrayEquals("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{}}}".getBytes(StandardCharsets.UTF_8), body);
        assertEquals(52, body.length);

        assertEquals("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{\"userid\":\"user-a\"}}}",
                body(BackendClientRequest.auth(json("{\"userid\":\"user-a\"}"))));
        // The signing test vector's body (spreed-protocol.md 4.1).
        assertEquals("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"params\":{\"hello\":\"world\"}}}",
                body(BackendClientRequest.auth(json("{\"hello\":\"world\"}"))));
    }

    @Test
    void joinAndLeave() {
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"anchor-room\",\"userid\":\"user-a\","
                        + "\"sessionid\":\"nc-room-session-a\"}}",
                body(BackendClientRequest.join("anchor-room", "user-a", "nc-room-session-a")));
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"anchor-room\",\"action\":\"leave\","
                        + "\"userid\":\"user-b\",\"sessionid\":\"nc-room-session-b\"}}",
                body(BackendClientRequest.leave("anchor-room", "user-b", "nc-room-session-b")));
    }

    @Test
    void guestJoinKeepsEmptyUserId() {
        // Go: `json:"userid"` without omitempty.
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"r\",\"userid\":\"\",\"sessionid\":\"s\"}}",
                body(BackendClientRequest.join("r", null, "s")));
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"r\",\"userid\":\"\",\"sessionid\":\"s\"}}",
                body(BackendClientRequest.join("r", "", "s")));
    }

    @Test
    void virtualSessionJoinWithActor() {
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"abc12345\",\"userid\":\"\","
                        + "\"sessionid\":\"<virtual public id>\",\"actorid\":\"a1\",\"actortype\":\"phones\",\"incall\":9}}",
                body(BackendClientRequest.room(new BackendRoomRequest(BackendClientRequest.VERSION, "abc12345", "",
                        "<virtual public id>", null, "a1", "phones", 9))));
        // incall 0 is omitted, as Go's omitempty int.
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"r\",\"userid\":\"u\",\"sessionid\":\"s\"}}",
                body(BackendClientRequest.room(new BackendRoomRequest("1.0", "r", "u", "s", "", "", null, 0))));
    }

    @Test
    void ping() {
        assertEquals("{\"type\":\"ping\",\"ping\":{\"version\":\"1.0\",\"roomid\":\"anchor-room\",\"entries\":["
                        + "{\"userid\":\"user-b\",\"sessionid\":\"nc-room-session-b\"},"
                        + "{\"userid\":\"user-a\",\"sessionid\":\"nc-room-session-a\"}]}}",
                body(BackendClientRequest.ping("anchor-room", List.of(
                        new PingEntry("user-b", "nc-room-session-b"), new PingEntry("user-a", "nc-room-session-a")))));
        assertEquals("{\"type\":\"ping\",\"ping\":{\"version\":\"1.0\",\"roomid\":\"\",\"entries\":["
                        + "{\"sessionid\":\"<guest nc id>\"},{\"sessionid\":\"<virtual public id>\"}]}}",
                body(BackendClientRequest.ping("", List.of(
                        new PingEntry("", "<guest nc id>"), new PingEntry(null, "<virtual public id>")))));
    }

    @Test
    void virtualSession() {
        assertEquals("{\"type\":\"session\",\"session\":{\"version\":\"1.0\",\"roomid\":\"abc12345\",\"action\":\"add\","
                        + "\"sessionid\":\"<virtual public id>\",\"userid\":\"u\",\"user\":{\"type\":\"phone\"}}}",
                body(BackendClientRequest.session("abc12345", SessionRequest.ADD, "<virtual public id>", "u",
                        json("{\"type\":\"phone\"}"))));
        assertEquals("{\"type\":\"session\",\"session\":{\"version\":\"1.0\",\"roomid\":\"abc12345\",\"action\":\"remove\","
                        + "\"sessionid\":\"<virtual public id>\"}}",
                body(BackendClientRequest.session("abc12345", SessionRequest.REMOVE, "<virtual public id>", "", null)));
    }
}
