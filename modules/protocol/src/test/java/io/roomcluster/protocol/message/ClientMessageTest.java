package io.roomcluster.protocol.message;

import static io.roomcluster.protocol.message.CapturedFrames.A_RESUMEID;
import static io.roomcluster.protocol.message.CapturedFrames.B_SESSIONID_CLIENT_DERIVED;
import static io.roomcluster.protocol.message.CapturedFrames.GO_CLIENT_HELLO;
import static io.roomcluster.protocol.message.CapturedFrames.MESSAGE_A_TO_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client frames of anchor-baseline.md 4.2/4.5 and the validation rules of spreed-protocol.md 3. */
class ClientMessageTest {

    private static ClientMessage valid(String frame) {
        return ClientMessage.parse(frame).validate();
    }

    /** Parses and validates, expecting an error with exactly this code and the wire message. */
    private static void assertRejected(String frame, ErrorMessage expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> valid(frame));
        assertEquals(expected, e.error());
    }

    private static void assertInvalidFormat(String frame) {
        assertRejected(frame, ErrorMessage.INVALID_FORMAT);
    }

    @Test
    void goClientHelloWithEmptyResumeIdIsANewSession() {
        assertEquals(108, GO_CLIENT_HELLO.length());
        ClientMessage message = ClientMessage.parse(GO_CLIENT_HELLO.getBytes(StandardCharsets.UTF_8)).validate();

        assertNull(message.id());
        assertEquals("hello", message.type());
        HelloRequest hello = message.hello();
        assertEquals("1.0", hello.version());
        assertFalse(hello.isResume());
        assertEquals(HelloAuth.CLIENT, hello.auth().clientType());
        assertEquals("http://[::]:40137/auth", hello.auth().url());
        assertEquals("{}", hello.auth().params().toString());
    }

    @Test
    void helloWithParamsAndId() {
        ClientMessage message = valid("{\"id\":\"h-a\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\","
                + "\"auth\":{\"url\":\"http://127.0.0.1:43941/auth\",\"params\":{\"userid\":\"user-a\"}}}}");

        assertEquals("h-a", message.id());
        assertEquals("{\"userid\":\"user-a\"}", message.hello().auth().params().toString());
        assertNull(message.hello().features());
    }

    @Test
    void resumeNeedsNoAuth() {
        ClientMessage message = valid("{\"id\":\"resume\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\","
                + "\"resumeid\":\"" + A_RESUMEID + "\"}}");

        assertTrue(message.hello().isResume());
        assertEquals(A_RESUMEID, message.hello().resumeid());
        assertNull(message.hello().auth());
    }

    @Test
    void browserHelloWithFeatures() {
        ClientMessage message = valid("{\"id\":\"1\",\"type\":\"hello\",\"hello\":{\"version\":\"1.0\","
                + "\"features\":[\"chat-relay\"],\"auth\":{\"url\":\"https://cloud.example.com/ocs/v2.php/apps/spreed/"
                + "api/v3/signaling/backend\",\"params\":{\"userid\":\"alice\",\"ticket\":\"t\"}}}}");

        assertEquals(List.of("chat-relay"), message.hello().features());
    }

    @Test
    void helloV2WithoutTokenIsInvalidFormat() {
        // anchor-baseline.md 4.5, frame e2.
        assertInvalidFormat("{\"id\":\"e2\",\"type\":\"hello\",\"hello\":{\"version\":\"2.0\","
                + "\"auth\":{\"url\":\"http://127.0.0.1:43941/auth\",\"params\":{}}}}");
    }

    @Test
    void helloV2WithToken() {
        ClientMessage message = valid("{\"type\":\"hello\",\"hello\":{\"version\":\"2.0\","
                + "\"auth\":{\"url\":\"https://cloud.example.com/\",\"params\":{\"token\":\"a.b.c\"}}}}");

        assertEquals("2.0", message.hello().version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.1", "3.0"})
    void unknownHelloVersion(String version) {
        assertRejected("{\"type\":\"hello\",\"hello\":{\"version\":\"" + version + "\",\"resumeid\":\"r\"}}",
                ErrorMessage.INVALID_HELLO_VERSION);
        assertEquals("The hello version is not supported.", ErrorMessage.INVALID_HELLO_VERSION.message());
    }

    @Test
    void helloVersionMissing() {
        assertRejected("{\"type\":\"hello\",\"hello\":{\"resumeid\":\"r\"}}", ErrorMessage.INVALID_HELLO_VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"hello\"}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\"}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"\"}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"http://x/auth\"}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"http://x/auth\",\"params\":null}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"\",\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"relative/auth\",\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"url\":\"http://x y\",\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"virtual\",\"url\":\"http://x/\",\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"internal\",\"params\":{}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"internal\",\"params\":\"x\"}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{\"type\":\"internal\","
                + "\"params\":{\"backend\":\"https://c/\",\"random\":5}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"2.0\",\"auth\":{\"url\":\"http://x/\",\"params\":{\"token\":5}}}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"2.0\",\"auth\":{\"url\":\"http://x/\",\"params\":[]}}}",
    })
    void invalidHello(String frame) {
        assertInvalidFormat(frame);
    }

    @Test
    void internalAndFederationHello() {
        ClientMessage internal = valid("{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\","
                + "\"features\":[\"internal-incall\"],\"auth\":{\"type\":\"internal\","
                + "\"params\":{\"random\":\"r\",\"token\":\"t\",\"backend\":\"https://cloud.example.com/\"}}}}");
        assertEquals(HelloAuth.INTERNAL, internal.hello().auth().clientType());

        ClientMessage federation = valid("{\"type\":\"hello\",\"hello\":{\"version\":\"2.0\",\"auth\":{"
                + "\"type\":\"federation\",\"url\":\"https://remote.example.com/\",\"params\":{\"token\":\"jwt\"}}}}");
        assertEquals(HelloAuth.FEDERATION, federation.hello().auth().clientType());

        ClientMessage emptyType = valid("{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":{"
                + "\"type\":\"\",\"url\":\"/auth\",\"params\":{}}}}");
        assertEquals(HelloAuth.CLIENT, emptyType.hello().auth().clientType());
    }

    @Test
    void roomJoinAndLeave() {
        RoomRequest join = valid("{\"id\":\"r-a\",\"type\":\"room\",\"room\":{\"roomid\":\"anchor-room\","
                + "\"sessionid\":\"nc-room-session-a\"}}").room();
        assertEquals("anchor-room", join.roomid());
        assertEquals("nc-room-session-a", join.sessionid());
        assertFalse(join.isLeave());

        ClientMessage beforeHello = valid("{\"id\":\"e1\",\"type\":\"room\",\"room\":{\"roomid\":\"x\"}}");
        assertEquals("x", beforeHello.room().roomid());
        assertNull(beforeHello.room().sessionid());

        RoomRequest leave = valid("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}").room();
        assertTrue(leave.isLeave());
    }

    @Test
    void roomWithoutRoomIdLeavesAsInGo() {
        assertTrue(valid("{\"type\":\"room\",\"room\":{}}").room().isLeave());
    }

    @Test
    void roomFederation() {
        RoomRequest room = valid("{\"type\":\"room\",\"room\":{\"roomid\":\"abc\",\"federation\":{"
                + "\"signaling\":\"wss://remote/\",\"url\":\"https://remote-nc/\",\"roomid\":\"r\",\"token\":\"jwt\"}}}").room();
        assertEquals("jwt", room.federation().get("token").textValue());

        assertInvalidFormat("{\"type\":\"room\",\"room\":{\"roomid\":\"abc\",\"federation\":{\"url\":\"https://nc/\"}}}");
        assertInvalidFormat("{\"type\":\"room\",\"room\":{\"roomid\":\"abc\",\"federation\":\"x\"}}");
    }

    @Test
    void capturedMessageToClientDerivedSessionId() {
        assertEquals(412, MESSAGE_A_TO_B.length());
        MessageRequest message = valid(MESSAGE_A_TO_B).message();

        assertEquals(new Recipient("session", B_SESSIONID_CLIENT_DERIVED, null), message.recipient());
        assertEquals("{\"now\":\"2026-11-21T04:53:35.850616782Z\"}", message.data().toString());
    }

    @Test
    void messagesToSessionUserRoomAndCall() {
        Recipient session = valid("{\"id\":\"m1\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\","
                + "\"sessionid\":\"<B.sessionid>\"},\"data\":{\"hello\":\"to session b\"}}}").message().recipient();
        assertEquals(new Recipient(Recipient.SESSION, "<B.sessionid>", null), session);

        Recipient user = valid("{\"id\":\"m2\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\","
                + "\"userid\":\"user-b\"},\"data\":{\"hello\":\"to user b\"}}}").message().recipient();
        assertEquals(new Recipient(Recipient.USER, null, "user-b"), user);

        Recipient room = valid("{\"id\":\"m3\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},"
                + "\"data\":{\"hello\":\"to the room\"}}}").message().recipient();
        assertEquals(new Recipient(Recipient.ROOM, null, null), room);

        Recipient call = valid("{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"call\"},\"data\":{}}}")
                .message().recipient();
        assertEquals(Recipient.CALL, call.type());

        // Unknown session ids are the router's business (dropped silently), not a format error.
        valid("{\"id\":\"m4\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\","
                + "\"sessionid\":\"not-a-session\"},\"data\":{\"x\":1}}}");
    }

    @Test
    void control() {
        ClientMessage message = valid("{\"id\":\"c1\",\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"session\","
                + "\"sessionid\":\"<B.sessionid>\"},\"data\":{\"x\":1}}}");

        assertNull(message.message());
        assertEquals("{\"x\":1}", message.control().data().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // anchor-baseline.md 4.5, frame m5: no data.
        "{\"id\":\"m5\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"<B.sessionid>\"}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"s\"},\"data\":null}}",
        "{\"type\":\"message\"}",
        "{\"type\":\"message\",\"message\":{\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"user\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"everybody\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{},\"data\":{}}}",
        "{\"type\":\"control\",\"control\":{\"recipient\":{\"type\":\"user\"},\"data\":{}}}",
        "{\"type\":\"control\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}",
    })
    void invalidMessages(String frame) {
        assertInvalidFormat(frame);
    }

    @Test
    void byeAcceptsEmptyObjectAndNoPayload() {
        ClientMessage bye = valid("{\"id\":\"bye-b\",\"type\":\"bye\",\"bye\":{}}");
        assertEquals(new ByeRequest(), bye.bye());
        assertNull(valid("{\"type\":\"bye\"}").bye());
    }

    @Test
    void transientSetAndRemove() {
        TransientRequest set = valid("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\","
                + "\"value\":{\"any\":\"json\"},\"ttl\":30000000000}}").transientData();
        assertEquals("foo", set.key());
        assertEquals("{\"any\":\"json\"}", set.value().toString());
        assertEquals(30_000_000_000L, set.ttl());

        TransientRequest remove = valid("{\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"foo\"}}")
                .transientData();
        assertNull(remove.value());
        assertNull(remove.ttl());

        // "value":null on set means remove (HEAD); it reads as absent.
        assertNull(valid("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"k\",\"value\":null}}")
                .transientData().value());
        // Unknown transient types are answered with "ignored" by the server, not rejected here.
        assertEquals("clear", valid("{\"type\":\"transient\",\"transient\":{\"type\":\"clear\"}}").transientData().type());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"transient\"}",
        "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"value\":1}}",
        "{\"type\":\"transient\",\"transient\":{\"type\":\"remove\",\"key\":\"\"}}",
        "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"k\",\"ttl\":1.5}}",
        "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"k\",\"ttl\":\"30s\"}}",
    })
    void invalidTransient(String frame) {
        assertInvalidFormat(frame);
    }

    @Test
    void internalMessages() {
        ClientMessage add = valid("{\"type\":\"internal\",\"internal\":{\"type\":\"addsession\",\"addsession\":{"
                + "\"sessionid\":\"phone-1\",\"roomid\":\"abc12345\",\"userid\":\"\",\"user\":{\"type\":\"phone\"},"
                + "\"flags\":1,\"incall\":9,\"options\":{\"actorId\":\"a\",\"actorType\":\"phones\"}}}}");
        assertEquals("phone-1", add.internal().path("addsession").path("sessionid").textValue());

        valid("{\"type\":\"internal\",\"internal\":{\"type\":\"incall\",\"incall\":{\"incall\":3}}}");
        valid("{\"type\":\"internal\",\"internal\":{\"type\":\"dialout\",\"dialout\":{\"type\":\"status\","
                + "\"roomid\":\"r\",\"status\":{\"callid\":\"c1\",\"status\":\"ringing\"}}}}");
        valid("{\"type\":\"internal\",\"internal\":{\"type\":\"future\"}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"internal\"}",
        "{\"type\":\"internal\",\"internal\":\"x\"}",
        "{\"type\":\"internal\",\"internal\":{}}",
        "{\"type\":\"internal\",\"internal\":{\"type\":\"addsession\"}}",
        "{\"type\":\"internal\",\"internal\":{\"type\":\"removesession\",\"removesession\":{\"sessionid\":\"s\"}}}",
        "{\"type\":\"internal\",\"internal\":{\"type\":\"dialout\",\"dialout\":{\"type\":\"status\"}}}",
    })
    void invalidInternal(String frame) {
        assertInvalidFormat(frame);
    }

    @Test
    void unknownTypesPassValidation() {
        ClientMessage message = valid("{\"id\":\"7\",\"type\":\"requestoffer\",\"requestoffer\":{\"x\":1}}");
        assertEquals("requestoffer", message.type());
    }

    @Test
    void unknownFieldsAreIgnored() {
        ClientMessage message = valid("{\"type\":\"room\",\"extra\":[1,2],\"room\":{\"roomid\":\"r\",\"bandwidth\":{}}}");
        assertEquals("r", message.room().roomid());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "this is not json",
        "",
        "null",
        "5",
        "\"hello\"",
        "[]",
        "[{\"type\":\"bye\"}]",
        "{\"type\":\"bye\"} {\"type\":\"bye\"}",
        "{\"type\":\"bye\"",
        "{}",
        "{\"type\":\"\"}",
        "{\"type\":null}",
        // A known field with the wrong JSON type.
        "{\"type\":5}",
        "{\"id\":1,\"type\":\"bye\"}",
        "{\"type\":\"hello\",\"hello\":\"x\"}",
        "{\"type\":\"hello\",\"hello\":{\"version\":1.0,\"resumeid\":\"r\"}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"r\",\"features\":\"chat-relay\"}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"r\",\"features\":[1]}}",
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"auth\":[]}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":5,\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":true},\"data\":{}}}",
        "{\"type\":\"room\",\"room\":{\"roomid\":{}}}",
        "{\"type\":\"room\",\"room\":{\"roomid\":42}}",
        "{\"type\":\"room\",\"room\":[]}",
        "{\"type\":\"bye\",\"bye\":\"now\"}",
        "{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":[\"k\"]}}",
    })
    void malformedFramesAreInvalidFormat(String frame) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> valid(frame));
        assertSame(ErrorMessage.INVALID_FORMAT, e.error());
        assertNotNull(e.getMessage());
    }

    @Test
    void invalidFormatReasonDoesNotEchoTheFrame() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ClientMessage.parse("this is not json"));
        assertFalse(e.getMessage().contains("Source"), e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void serializesLikeTheGoClient() {
        // The load client reuses these records: they must reproduce the Go client's bytes.
        ClientMessage hello = new ClientMessage(null, "hello",
                new HelloRequest("1.0", "", null,
                        new HelloAuth(null, "http://[::]:40137/auth", Json.MAPPER.createObjectNode())),
                null, null, null, null, null, null);
        assertEquals(GO_CLIENT_HELLO, Json.write(hello));

        assertEquals(MESSAGE_A_TO_B, Json.write(ClientMessage.parse(MESSAGE_A_TO_B)));
        assertEquals("{\"id\":\"bye-b\",\"type\":\"bye\",\"bye\":{}}",
                Json.write(new ClientMessage("bye-b", "bye", null, new ByeRequest(), null, null, null, null, null)));
        assertEquals("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}",
                Json.write(ClientMessage.parse("{\"id\":\"l-b\",\"type\":\"room\",\"room\":{\"roomid\":\"\"}}")));
        assertEquals("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\",\"value\":{\"any\":\"json\"},"
                        + "\"ttl\":30000000000}}",
                Json.write(ClientMessage.parse("{\"type\":\"transient\",\"transient\":{\"type\":\"set\",\"key\":\"foo\","
                        + "\"value\":{\"any\":\"json\"},\"ttl\":30000000000}}")));
    }
}
