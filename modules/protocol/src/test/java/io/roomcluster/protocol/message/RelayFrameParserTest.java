package io.roomcluster.protocol.message;

import static io.roomcluster.protocol.message.CapturedFrames.MESSAGE_A_TO_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path of {@link ClientMessage#parse(String)} gives what the general path gives, or stands aside. */
class RelayFrameParserTest {

    /** The general path's result, or its error. */
    private static Object general(String frame) {
        try {
            return ClientMessage.parseInGeneral(frame).validate();
        } catch (ProtocolException e) {
            return e.error();
        }
    }

    private static Object parsed(String frame) {
        try {
            return ClientMessage.parse(frame).validate();
        } catch (ProtocolException e) {
            return e.error();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":\"m1\",\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"s\"},\"data\":{\"a\":1}}}",
        "{\"type\":\"message\",\"message\":{\"data\":{\"type\":\"offer\",\"payload\":{\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 \\\"x\\\"\"}},"
            + "\"recipient\":{\"type\":\"user\",\"userid\":\"b\"}}}",
        "{ \"type\" : \"control\" , \"control\" : { \"recipient\" : { \"type\" : \"room\" } , \"data\" : [ 1 , { \"b\" : \"c d\" } ] } }",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"call\"},\"data\":{\"n\":[1,2.50,1e400,-0,null,{}],\"s\":\"<&\\u2028\u00e9>\"}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"session\",\"sessionid\":\"\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"}}}",
        "{\"type\":\"message\",\"message\":{\"data\":{\"a\":1}}}",
        "{\"type\":\"control\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"nobody\"},\"data\":{}}}",
    })
    void takesPlainMessagesAndControlsWithTheGeneralPathsResult(String frame) {
        assertNotNull(RelayFrameParser.parse(frame), "the fast path takes " + frame);
        assertEquals(general(frame), parsed(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"hello\",\"hello\":{\"version\":\"1.0\",\"resumeid\":\"r\"}}",
        "{\"type\":\"bye\",\"bye\":{}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":\"text\"}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":null}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{\"a\":}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}} trailing",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\",\"extra\":1},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{},\"more\":true}}",
        "{\"type\":\"message\",\"type\":\"control\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{},\"data\":[]}}",
        "{\"type\":1,\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}",
        "{\"id\":7,\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":null},\"data\":{}}}",
        "{\"type\":\"message\",\"message\":null}",
        "[]",
        "",
    })
    void standsAsideForEverythingElseAndTheGeneralPathDecides(String frame) {
        assertNull(RelayFrameParser.parse(frame), "the fast path leaves " + frame);
        assertEquals(general(frame), parsed(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":{ \"a\" : [1, 2],\n\"b\":\"x y\\\" z\" }}}",
    })
    void keepsTheClientsDataAsCompactText(String frame) {
        RawJson data = ClientMessage.parse(frame).message().data();
        assertEquals("{\"a\":[1,2],\"b\":\"x y\\\" z\"}", data.json());
        assertEquals(Json.write(data.tree()), data.json(), "the same text a tree would give");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":\"b c\"}", "[1,{\"x\":\"\\\\\"}]"})
    void compactTextStaysTheSameInstance(String json) {
        assertSame(json, RawJson.compact(json));
    }

    @Test
    void theReferenceClientsMessageTakesTheFastPath() {
        assertNotNull(RelayFrameParser.parse(MESSAGE_A_TO_B));
        assertEquals(general(MESSAGE_A_TO_B), parsed(MESSAGE_A_TO_B));
    }
}
