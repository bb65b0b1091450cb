package io.roomcluster.protocol.message;

import static io.roomcluster.protocol.message.CapturedFrames.A_RESUMEID;
import static io.roomcluster.protocol.message.CapturedFrames.A_SESSIONID;
import static io.roomcluster.protocol.message.CapturedFrames.B_SESSIONID;
import static io.roomcluster.protocol.message.CapturedFrames.HELLO_RESPONSE_A;
import static io.roomcluster.protocol.message.CapturedFrames.MESSAGE_B_TO_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server frames of anchor-baseline.md 4.2/4.5 and spreed-protocol.md 3, byte for byte. */
class ServerMessageTest {

    private static final List<String> FEATURES = List.of("audio-video-permissions");

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    @Test
    void errors() {
        assertEquals("{\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}",
                ServerMessage.error(null, ErrorMessage.INVALID_FORMAT).toJson());
        assertEquals("{\"id\":\"e1\",\"type\":\"error\",\"error\":{\"code\":\"hello_expected\","
                        + "\"message\":\"Expected Hello request.\"}}",
                ServerMessage.error("e1", ErrorMessage.HELLO_EXPECTED).toJson());
        assertEquals("{\"id\":\"m5\",\"type\":\"error\",\"error\":{\"code\":\"invalid_format\",\"message\":\"Invalid data format.\"}}",
                ServerMessage.error("m5", ErrorMessage.INVALID_FORMAT).toJson());
        assertEquals("{\"id\":\"1\",\"type\":\"error\",\"error\":{\"code\":\"no_such_session\","
                        + "\"message\":\"The session to resume does not exist.\"}}",
                ServerMessage.error("1", ErrorMessage.NO_SUCH_SESSION).toJson());
    }

    @Test
    void errorWithDetailsAndEmptyId() {
        ErrorMessage alreadyJoined = new ErrorMessage(ErrorCodes.ALREADY_JOINED, ErrorCodes.ALREADY_JOINED_MESSAGE,
                json("{\"room\":{\"roomid\":\"abc\",\"properties\":{\"type\":2}}}"));
        // An empty request id is not echoed (Go: omitempty).
        assertEquals("{\"type\":\"error\",\"error\":{\"code\":\"already_joined\",\"message\":\"Already joined this room.\","
                        + "\"details\":{\"room\":{\"roomid\":\"abc\",\"properties\":{\"type\":2}}}}}",
                ServerMessage.error("", alreadyJoined).toJson());
    }

    @Test
    void capturedHelloResponse() {
        assertEquals(743, HELLO_RESPONSE_A.length());
        ServerMessage hello = ServerMessage.hello(null,
                new HelloResponse("1.0", A_SESSIONID, A_RESUMEID, "sample-user", new ServerInfo("unreleased", FEATURES)));

        assertEquals(HELLO_RESPONSE_A, hello.toJson());
    }

    @Test
    void helloResponseWithIdAndGuestUser() {
        assertEquals("{\"id\":\"h-a\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"sessionid\":\"<A.sessionid>\","
                        + "\"resumeid\":\"<A.resumeid>\",\"userid\":\"user-a\",\"server\":{\"version\":\"unreleased\","
                        + "\"features\":[\"audio-video-permissions\"]}}}",
                ServerMessage.hello("h-a", new HelloResponse("1.0", "<A.sessionid>", "<A.resumeid>", "user-a",
                        new ServerInfo("unreleased", FEATURES))).toJson());
        assertEquals("{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"sessionid\":\"s\",\"resumeid\":\"r\","
                        + "\"userid\":\"\",\"server\":{\"version\":\"v\"}}}",
                ServerMessage.hello(null, new HelloResponse("1.0", "s", "r", null, new ServerInfo("v", List.of())))
                        .toJson());
    }

    @Test
    void welcome() {
        List<String> features = List.of("audio-video-permissions", "chat-relay", "dialout", "federation", "hello-v2",
                "incall-all", "join-features", "offer-codecs", "recipient-call", "serverinfo", "switchto",
                "transient-data", "transient-sessiondata", "virtual-sessions", "welcome");
        assertEquals("{\"type\":\"welcome\",\"welcome\":{\"version\":\"2.1.1\",\"features\":[\"audio-video-permissions\","
                        + "\"chat-relay\",\"dialout\",\"federation\",\"hello-v2\",\"incall-all\",\"join-features\","
                        + "\"offer-codecs\",\"recipient-call\",\"serverinfo\",\"switchto\",\"transient-data\","
                        + "\"transient-sessiondata\",\"virtual-sessions\",\"welcome\"]}}",
                ServerMessage.welcome(new WelcomeMessage("2.1.1", features)).toJson());
    }

    @Test
    void roomJoinAndLeaveAnswers() {
        JsonNode properties = json("{\"name\":\"Anchor room\",\"type\":3}");
        assertEquals("{\"id\":\"r-a\",\"type\":\"room\",\"room\":{\"roomid\":\"anchor-room\","
                        + "\"properties\":{\"name\":\"Anchor room\",\"type\":3}}}",
                ServerMessage.room("r-a", new RoomResponse("anchor-room", properties)).toJson());
        assertEquals("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}",
                ServerMessage.room("l-b", RoomResponse.left()).toJson());
        assertEquals("{\"type\":\"room\",\"room\":{\"roomid\":\"\"}}", ServerMessage.room(null, RoomResponse.left()).toJson());
    }

    @Test
    void roomPropertiesPassThroughIncludingNulls() {
        JsonNode properties = json("{\"name\":\"Team\",\"type\":2,\"lobby-state\":0,\"lobby-timer\":null,\"read-only\":0,"
                + "\"listable\":0,\"active-since\":null,\"sip-enabled\":0,\"participant-list\":\"refresh\"}");
        assertEquals("{\"id\":\"2\",\"type\":\"room\",\"room\":{\"roomid\":\"abc12345\",\"properties\":{\"name\":\"Team\","
                        + "\"type\":2,\"lobby-state\":0,\"lobby-timer\":null,\"read-only\":0,\"listable\":0,"
                        + "\"active-since\":null,\"sip-enabled\":0,\"participant-list\":\"refresh\"}}}",
                ServerMessage.room("2", new RoomResponse("abc12345", properties)).toJson());
    }

    @Test
    void joinEvents() {
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"join\",\"join\":[{\"sessionid\":\"<A.sessionid>\","
                        + "\"userid\":\"user-a\",\"roomsessionid\":\"nc-room-session-a\"}]}}",
                ServerMessage.event(EventMessage.join(List.of(
                        new EventSessionEntry("<A.sessionid>", "user-a", null, "nc-room-session-a")))).toJson());

        EventSessionEntry full = new EventSessionEntry("<public id>", "alice", json("{\"displayname\":\"Alice\"}"),
                "<Nextcloud session id>", List.of("chat-relay"), true);
        EventSessionEntry guest = new EventSessionEntry("<guest>", null, null, null, List.of(), false);
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"join\",\"join\":["
                        + "{\"sessionid\":\"<public id>\",\"userid\":\"alice\",\"features\":[\"chat-relay\"],"
                        + "\"user\":{\"displayname\":\"Alice\"},\"roomsessionid\":\"<Nextcloud session id>\",\"federated\":true},"
                        + "{\"sessionid\":\"<guest>\",\"userid\":\"\"}]}}",
                ServerMessage.event(EventMessage.join(List.of(full, guest))).toJson());
    }

    @Test
    void leaveEvent() {
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"leave\",\"leave\":[\"<B.sessionid>\"]}}",
                ServerMessage.event(EventMessage.leave(List.of("<B.sessionid>"))).toJson());
    }

    @Test
    void capturedRelayedMessage() {
        assertEquals(432, MESSAGE_B_TO_A.length());
        ServerMessage message = ServerMessage.message(new RelayedMessage(new Sender("session", B_SESSIONID, "sample-user"),
                json("{\"now\":\"2026-11-21T04:53:35.850587069Z\"}")));

        assertEquals(MESSAGE_B_TO_A, message.toJson());
    }

    @Test
    void relayCarriesTheClientsDataAndRecipientType() {
        for (String type : List.of("session", "user", "room")) {
            ClientMessage in = ClientMessage.parse("{\"id\":\"m\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\""
                    + type + "\",\"sessionid\":\"<B.sessionid>\",\"userid\":\"user-b\"},\"data\":{\"hello\":\"to " + type
                    + "\",\"n\":[1,2.50,1e400,-0,null,{}]}}}").validate();
            Sender sender = new Sender(in.message().recipient().type(), "<A.sessionid>", "user-a");

            assertEquals("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"" + type + "\",\"sessionid\":\"<A.sessionid>\","
                            + "\"userid\":\"user-a\"},\"data\":{\"hello\":\"to " + type + "\",\"n\":[1,2.50,1E+400,0,null,{}]}}}",
                    ServerMessage.message(new RelayedMessage(sender, in.message().data().tree())).toJson());
            // The relay path passes the client's text on: every digit as sent, like the reference's json.RawMessage.
            assertEquals("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"" + type + "\",\"sessionid\":\"<A.sessionid>\","
                            + "\"userid\":\"user-a\"},\"data\":{\"hello\":\"to " + type + "\",\"n\":[1,2.50,1e400,-0,null,{}]}}}",
                    ServerMessage.relayedJson(false, Json.write(sender), in.message().data()));
        }
    }

    @Test
    void relayedJsonIsTheGenericFrameByteForByte() {
        for (Sender sender : List.of(new Sender("session", B_SESSIONID, "sample-user"), new Sender("room", "g", ""),
                new Sender("user", "<A.sessionid>", "us\"er\u00e9\n"))) {
            for (String data : List.of("{\"now\":\"2026-11-21T04:53:35.850587069Z\"}", "{}", "\"text\"",
                    "{\"n\":[1,2.50,1e400,-0,null,{}],\"s\":\"<&\\u2028>\"}")) {
                JsonNode tree = json(data);
                String senderJson = Json.write(sender);
                assertEquals(ServerMessage.message(new RelayedMessage(sender, tree)).toJson(),
                        ServerMessage.relayedJson(false, senderJson, RawJson.of(tree)));
                assertEquals(ServerMessage.control(new RelayedMessage(sender, tree)).toJson(),
                        ServerMessage.relayedJson(true, senderJson, RawJson.of(tree)));
            }
        }
        assertEquals(MESSAGE_B_TO_A, ServerMessage.relayedJson(false,
                Json.write(new Sender("session", B_SESSIONID, "sample-user")), RawJson.of(json("{\"now\":\"2026-11-21T04:53:35.850587069Z\"}"))));
    }

    @Test
    void controlAndGuestSender() {
        assertEquals("{\"type\":\"control\",\"control\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"<A.sessionid>\","
                        + "\"userid\":\"user-a\"},\"data\":{\"x\":1}}}",
                ServerMessage.control(new RelayedMessage(new Sender("session", "<A.sessionid>", "user-a"), json("{\"x\":1}")))
                        .toJson());
        assertEquals("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"room\",\"sessionid\":\"g\"},\"data\":{}}}",
                ServerMessage.message(new RelayedMessage(new Sender("room", "g", ""), json("{}"))).toJson());
    }

    @Test
    void messageForAVirtualSessionNamesTheRecipient() {
        assertEquals("{\"type\":\"message\",\"message\":{\"sender\":{\"type\":\"session\",\"sessionid\":\"a\"},"
                        + "\"recipient\":{\"type\":\"session\",\"sessionid\":\"phone-1\"},\"data\":{\"type\":\"offer\"}}}",
                ServerMessage.message(new RelayedMessage(new Sender("session", "a", null),
                        new Recipient("session", "phone-1", null), json("{\"type\":\"offer\"}"))).toJson());
    }

    @Test
    void bye() {
        assertEquals("{\"id\":\"bye-b\",\"type\":\"bye\",\"bye\":{\"reason\":\"\"}}", ServerMessage.bye("bye-b", null).toJson());
        assertEquals("{\"type\":\"bye\",\"bye\":{\"reason\":\"hello_timeout\"}}",
                ServerMessage.bye(null, "hello_timeout").toJson());
    }

    @Test
    void roomEvents() {
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"message\",\"message\":{\"roomid\":\"abc12345\","
                        + "\"data\":{\"type\":\"chat\",\"chat\":{\"refresh\":true}}}}}",
                ServerMessage.event(EventMessage.roomMessage("abc12345", json("{\"type\":\"chat\",\"chat\":{\"refresh\":true}}")))
                        .toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"switchto\",\"switchto\":{\"roomid\":\"target\"}}}",
                ServerMessage.event(EventMessage.switchto("target", null)).toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"room\",\"type\":\"switchto\",\"switchto\":{\"roomid\":\"target\","
                        + "\"details\":{\"x\":1}}}}",
                ServerMessage.event(EventMessage.switchto("target", json("{\"x\":1}"))).toJson());
    }

    @Test
    void roomlistEvents() {
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"invite\",\"invite\":{\"roomid\":\"abc12345\","
                        + "\"properties\":{\"name\":\"Team\"}}}}",
                ServerMessage.event(EventMessage.invite("abc12345", json("{\"name\":\"Team\"}"))).toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"disinvite\",\"disinvite\":{\"roomid\":\"abc12345\","
                        + "\"reason\":\"disinvited\"}}}",
                ServerMessage.event(EventMessage.disinvite("abc12345", RoomlistEvent.DISINVITED)).toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"roomlist\",\"type\":\"update\",\"update\":{\"roomid\":\"abc12345\","
                        + "\"properties\":{\"name\":\"New\"}}}}",
                ServerMessage.event(EventMessage.roomlistUpdate("abc12345", json("{\"name\":\"New\"}"))).toJson());
    }

    @Test
    void participantsEvents() {
        List<ObjectNode> users = List.of(
                object("{\"inCall\":7,\"lastPing\":1700000000,\"sessionId\":\"<signaling public id>\",\"nextcloudSessionId\":\"<nc id>\","
                        + "\"participantType\":1,\"participantPermissions\":254,\"actorType\":\"users\",\"actorId\":\"alice\","
                        + "\"userId\":\"alice\"}"),
                object("{\"inCall\":3,\"sessionId\":\"<public id of internal client>\",\"lastPing\":1700000005,\"internal\":true}"),
                object("{\"inCall\":9,\"sessionId\":\"<virtual public id>\",\"lastPing\":1700000005,\"virtual\":true}"));
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"participants\",\"type\":\"update\",\"update\":{\"roomid\":\"abc12345\","
                        + "\"users\":[{\"inCall\":7,\"lastPing\":1700000000,\"sessionId\":\"<signaling public id>\","
                        + "\"nextcloudSessionId\":\"<nc id>\",\"participantType\":1,\"participantPermissions\":254,"
                        + "\"actorType\":\"users\",\"actorId\":\"alice\",\"userId\":\"alice\"},"
                        + "{\"inCall\":3,\"sessionId\":\"<public id of internal client>\",\"lastPing\":1700000005,\"internal\":true},"
                        + "{\"inCall\":9,\"sessionId\":\"<virtual public id>\",\"lastPing\":1700000005,\"virtual\":true}]}}}",
                ServerMessage.event(EventMessage.participantsUpdate("abc12345", users)).toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"participants\",\"type\":\"update\",\"update\":{\"roomid\":\"abc12345\","
                        + "\"incall\":0,\"all\":true}}}",
                ServerMessage.event(EventMessage.inCallAll("abc12345", 0)).toJson());
        assertEquals("{\"type\":\"event\",\"event\":{\"target\":\"participants\",\"type\":\"flags\",\"flags\":{\"roomid\":\"abc12345\","
                        + "\"sessionid\":\"<virtual public id>\",\"flags\":1}}}",
                ServerMessage.event(EventMessage.flags("abc12345", "<virtual public id>", 1)).toJson());
    }

    @Test
    void transientMessages() {
        assertEquals("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"oldvalue\":1,\"value\":{\"any\":\"json\"}}}",
                ServerMessage.transientMessage(TransientMessage.set("foo", json("{\"any\":\"json\"}"), json("1"))).toJson());
        assertEquals("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":true}}",
                ServerMessage.transientMessage(TransientMessage.set("foo", json("true"), null)).toJson());
        assertEquals("{\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\",\"oldvalue\":\"x\"}}",
                ServerMessage.transientMessage(TransientMessage.remove("foo", json("\"x\""))).toJson());
        assertEquals("{\"type\":\"transient\",\"transient\":{\"type\":\"initial\",\"data\":{\"foo\":{\"a\":1}}}}",
                ServerMessage.transientMessage(TransientMessage.initial(json("{\"foo\":{\"a\":1}}"))).toJson());
    }

    @Test
    void readsItsOwnFrames() throws Exception {
        // The load client parses server frames with the same records.
        ServerMessage hello = Json.MAPPER.readValue(HELLO_RESPONSE_A, ServerMessage.class);
        assertEquals(A_RESUMEID, hello.hello().resumeid());
        assertEquals("sample-user", hello.hello().userid());
        assertNull(hello.id());

        ServerMessage message = Json.MAPPER.readValue(MESSAGE_B_TO_A, ServerMessage.class);
        assertEquals(B_SESSIONID, message.message().sender().sessionid());
        assertEquals(MESSAGE_B_TO_A, message.toJson());

        ServerMessage bye = Json.MAPPER.readValue("{\"id\":\"bye-b\",\"type\":\"bye\",\"bye\":{\"reason\":\"\"}}", ServerMessage.class);
        assertEquals("", bye.bye().reason());
        ServerMessage event = Json.MAPPER.readValue("{\"type\":\"event\",\"event\":{\"target\":\"participants\",\"type\":\"update\","
                + "\"update\":{\"roomid\":\"r\",\"incall\":0,\"all\":true}}}", ServerMessage.class);
        assertEquals(Boolean.TRUE, event.event().update().all());
    }
}
