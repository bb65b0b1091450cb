package io.roomcluster.protocol.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.protocol.message.ErrorMessage;
import io.roomcluster.protocol.message.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OCS answers of anchor-baseline.md 4.3/4.5 and spreed-protocol.md 4.2. */
class BackendClientResponseTest {

    private static final String OK_META = "{\"status\":\"ok\",\"statuscode\":200,\"message\":\"OK\"}";

    private static OcsResult parse(String body) {
        return BackendClientResponse.parseOcs(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void capturedAuthAnswer() {
        OcsResult result = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\","
                + "\"userid\":\"sample-user\",\"user\":null}}}}");

        assertEquals(200, result.statusCode());
        assertFalse(result.isThrottled());
        assertEquals("auth", result.data().type());
        assertEquals(new AuthResponse("1.0", "sample-user", null), result.data().auth());
    }

    @Test
    void guestAuthWithUserData() {
        AuthResponse auth = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\","
                + "\"user\":{\"displayname\":\"Guest\"}}}}}").data().auth();

        assertEquals("", auth.userid());
        assertEquals("{\"displayname\":\"Guest\"}", auth.user().toString());
    }

    @Test
    void capturedRoomAndPingAnswers() {
        BackendRoomResponse room = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"room\",\"room\":{"
                + "\"version\":\"1.0\",\"roomid\":\"anchor-room\",\"properties\":{\"name\":\"Anchor room\",\"type\":3}}}}}")
                .data().room();
        assertEquals("anchor-room", room.roomid());
        assertEquals("{\"name\":\"Anchor room\",\"type\":3}", room.properties().toString());
        assertNull(room.permissions());
        assertNull(room.session());

        BackendClientResponse ping = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"room\",\"room\":{"
                + "\"version\":\"1.0\",\"roomid\":\"anchor-room\"}}}}").data();
        assertEquals(new BackendRoomResponse("1.0", "anchor-room", null, null, null), ping.room());
    }

    @Test
    void roomAnswerWithPermissionsAndSession() {
        BackendRoomResponse room = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"room\",\"room\":{"
                + "\"version\":\"1.0\",\"roomid\":\"abc12345\",\"properties\":{\"name\":\"Team\",\"lobby-timer\":null},"
                + "\"permissions\":[\"publish-audio\",\"publish-video\",\"publish-screen\",\"control\"],"
                + "\"session\":{\"userid\":\"guest-1\"}}}}}").data().room();

        assertEquals(List.of("publish-audio", "publish-video", "publish-screen", "control"), room.permissions());
        assertEquals("guest-1", room.session().get("userid").textValue());
        assertEquals("{\"name\":\"Team\",\"lobby-timer\":null}", room.properties().toString());
        assertEquals(List.of(), parse("{\"type\":\"room\",\"room\":{\"permissions\":[]}}").data().room().permissions());
    }

    @Test
    void errorAnswer() {
        BackendClientResponse response = parse("{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"error\","
                + "\"error\":{\"code\":\"no_such_room\",\"message\":\"The requested room does not exist.\"}}}}").data();

        assertEquals("error", response.type());
        assertEquals(new ErrorMessage("no_such_room", "The requested room does not exist."), response.error());
    }

    @Test
    void bareBodyWithoutEnvelope() {
        OcsResult result = parse("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"userid\":\"u\"}}");

        assertEquals(0, result.statusCode());
        assertEquals("u", result.data().auth().userid());
    }

    @Test
    void throttled() {
        OcsResult result = parse("{\"ocs\":{\"meta\":{\"status\":\"failure\",\"statuscode\":429,"
                + "\"message\":\"Reached maximum delay\"},\"data\":[]}}");

        assertTrue(result.isThrottled());
        assertNull(result.data());
    }

    @Test
    void missingMetaGivesStatusZero() {
        assertEquals(0, parse("{\"ocs\":{\"data\":{\"type\":\"room\",\"room\":{}}}}").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "404 page not found",
        "null",
        "[]",
        "\"ok\"",
        "{\"ocs\":5}",
        "{\"ocs\":{\"meta\":" + OK_META + "}}",
        "{\"ocs\":{\"meta\":" + OK_META + ",\"data\":[]}}",
        "{\"ocs\":{\"meta\":" + OK_META + ",\"data\":null}}",
        "{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"auth\",\"auth\":{\"userid\":5}}}}",
        "{\"ocs\":{\"meta\":" + OK_META + ",\"data\":{\"type\":\"room\",\"room\":{\"permissions\":\"control\"}}}}",
        "{\"type\":\"auth\"} trailing",
    })
    void junkIsRejected(String body) {
        assertThrows(InvalidBackendResponseException.class, () -> parse(body));
    }

    @Test
    void fakeBackendAnswersSerializeInGoOrder() {
        // Used by the load client's fake Nextcloud.
        assertEquals("{\"type\":\"auth\",\"auth\":{\"version\":\"1.0\",\"userid\":\"sample-user\"}}",
                Json.write(new BackendClientResponse("auth", new AuthResponse("1.0", "sample-user", null), null, null)));
        assertEquals("{\"type\":\"room\",\"room\":{\"version\":\"1.0\",\"roomid\":\"r\",\"properties\":{},\"session\":{},"
                        + "\"permissions\":[]}}",
                Json.write(new BackendClientResponse("room", null, new BackendRoomResponse("1.0", "r",
                        Json.MAPPER.createObjectNode(), List.of(), Json.MAPPER.createObjectNode()), null)));
    }
}
