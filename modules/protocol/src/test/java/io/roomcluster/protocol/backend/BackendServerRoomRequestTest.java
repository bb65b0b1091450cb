package io.roomcluster.protocol.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests Nextcloud POSTs to {@code /api/v1/room/{token}} (spreed-protocol.md 4.3). */
class BackendServerRoomRequestTest {

    private static BackendServerRoomRequest parse(String body) {
        return BackendServerRoomRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invite() {
        InviteRequest invite = parse("{\"type\":\"invite\",\"invite\":{\"userids\":[\"bob\"],\"alluserids\":[\"alice\",\"bob\"],"
                + "\"properties\":{\"name\":\"Team\",\"type\":2}}}").invite();

        assertEquals(List.of("bob"), invite.userids());
        assertEquals(List.of("alice", "bob"), invite.alluserids());
        assertEquals("Team", invite.properties().get("name").textValue());
    }

    @Test
    void disinviteUpdateAndDelete() {
        DisinviteRequest disinvite = parse("{\"type\":\"disinvite\",\"disinvite\":{\"userids\":[\"bob\"],"
                + "\"sessionids\":[\"nc-1\",\"0\"],\"alluserids\":[\"alice\"],\"properties\":{}}}").disinvite();
        assertEquals(List.of("nc-1", "0"), disinvite.sessionids());

        UpdateRequest update = parse("{\"type\":\"update\",\"update\":{\"userids\":[\"alice\"],\"properties\":{\"name\":\"New\"}}}")
                .update();
        assertEquals("New", update.properties().get("name").textValue());

        assertEquals(List.of("alice", "bob"), parse("{\"type\":\"delete\",\"delete\":{\"userids\":[\"alice\",\"bob\"]}}")
                .delete().userids());
        assertNull(parse("{\"type\":\"delete\",\"delete\":{}}").delete().userids());
    }

    @Test
    void incall() {
        InCallRequest incall = parse("{\"type\":\"incall\",\"incall\":{\"incall\":7,"
                + "\"changed\":[{\"inCall\":7,\"sessionId\":\"nc-1\",\"participantType\":1,\"userId\":\"alice\"}],"
                + "\"users\":[{\"inCall\":7,\"lastPing\":1700000000,\"sessionId\":\"nc-1\",\"nextcloudSessionId\":\"nc-1\","
                + "\"participantType\":1,\"participantPermissions\":254,\"displayName\":\"Alice\",\"actorType\":\"users\","
                + "\"actorId\":\"alice\",\"userId\":\"alice\"},{\"inCall\":0,\"sessionId\":\"0\",\"lastPing\":0}]}}").incall();

        assertEquals(7, incall.flags());
        assertNull(incall.all());
        assertEquals("nc-1", incall.changed().get(0).get("sessionId").textValue());
        assertEquals(2, incall.users().size());
        assertEquals(254, incall.users().get(0).get("participantPermissions").intValue());

        InCallRequest all = parse("{\"type\":\"incall\",\"incall\":{\"incall\":0,\"all\":true}}").incall();
        assertEquals(0, all.flags());
        assertEquals(Boolean.TRUE, all.all());
        assertNull(all.users());
    }

    @Test
    void participantsEntriesAreKeptAsTheyCome() {
        ParticipantsRequest participants = parse("{\"type\":\"participants\",\"participants\":{"
                + "\"changed\":[{\"sessionId\":\"nc-1\",\"permissions\":[\"publish-audio\"],\"inCall\":1}],"
                + "\"users\":[{\"sessionId\":\"nc-1\",\"inCall\":1,\"unknownFutureField\":{\"x\":[1]}}]}}").participants();

        ObjectNode changed = participants.changed().get(0);
        assertEquals("publish-audio", changed.get("permissions").get(0).textValue());
        assertEquals("{\"sessionId\":\"nc-1\",\"inCall\":1,\"unknownFutureField\":{\"x\":[1]}}",
                participants.users().get(0).toString());
    }

    @Test
    void message() {
        JsonNode data = parse("{\"type\":\"message\",\"message\":{\"data\":{\"type\":\"chat\",\"chat\":{\"refresh\":true}}}}")
                .message().data();
        assertEquals("{\"type\":\"chat\",\"chat\":{\"refresh\":true}}", data.toString());
    }

    @Test
    void switchtoWithList() {
        SwitchtoRequest switchto = parse("{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"target\","
                + "\"sessions\":[\"nc-1\",\"nc-2\"]}}").switchto();

        assertEquals("target", switchto.roomid());
        Map<String, JsonNode> details = switchto.sessionDetails();
        assertEquals(List.of("nc-1", "nc-2"), new ArrayList<>(details.keySet()));
        assertTrue(details.containsKey("nc-1"));
        assertNull(details.get("nc-1"));
    }

    @Test
    void switchtoWithMap() {
        Map<String, JsonNode> details = parse("{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"target\","
                + "\"sessions\":{\"nc-1\":{\"reason\":\"breakout\"},\"nc-2\":null}}}").switchto().sessionDetails();

        assertEquals(List.of("nc-1", "nc-2"), new ArrayList<>(details.keySet()));
        assertEquals("{\"reason\":\"breakout\"}", details.get("nc-1").toString());
        assertNull(details.get("nc-2"));
    }

    @Test
    void dialout() {
        JsonNode dialout = parse("{\"type\":\"dialout\",\"dialout\":{\"number\":\"+4912345\",\"options\":{\"attendeeId\":5,"
                + "\"actorType\":\"phones\",\"actorId\":\"p\",\"caller\":\"+49\"}}}").dialout();
        assertEquals("+4912345", dialout.get("number").textValue());
    }

    @Test
    void unknownTypeIsRejectedByName() {
        InvalidBackendRequestException e = assertThrows(InvalidBackendRequestException.class,
                () -> parse("{\"type\":\"transient\",\"transient\":{\"action\":\"set\",\"key\":\"k\"}}"));
        assertEquals("Unsupported request type: transient", e.getMessage());
    }

    @Test
    void missingPayloadIsRejectedByName() {
        InvalidBackendRequestException e = assertThrows(InvalidBackendRequestException.class,
                () -> parse("{\"type\":\"invite\",\"update\":{}}"));
        assertEquals("Request payload \"invite\" missing", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[]",
        "null",
        "{}",
        "{\"type\":\"\"}",
        "{\"type\":5,\"invite\":{}}",
        "{\"type\":\"invite\",\"invite\":{\"userids\":\"bob\"}}",
        "{\"type\":\"incall\",\"incall\":{\"incall\":7,\"users\":[5]}}",
        "{\"type\":\"incall\",\"incall\":{\"incall\":7,\"all\":\"yes\"}}",
        "{\"type\":\"participants\",\"participants\":{\"changed\":{}}}",
        "{\"type\":\"switchto\",\"switchto\":{\"sessions\":[\"nc-1\"]}}",
        "{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"t\"}}",
        "{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"t\",\"sessions\":\"nc-1\"}}",
        "{\"type\":\"switchto\",\"switchto\":{\"roomid\":\"t\",\"sessions\":[1]}}",
        "{\"type\":\"dialout\",\"dialout\":\"+49\"}",
        "{\"type\":\"message\",\"message\":[]}",
    })
    void invalidRequests(String body) {
        assertThrows(InvalidBackendRequestException.class, () -> parse(body));
    }
}
