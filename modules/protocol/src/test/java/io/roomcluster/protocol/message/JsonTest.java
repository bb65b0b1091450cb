package io.roomcluster.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.NullNode;
import io.roomcluster.protocol.backend.InCallRequest;
import org.junit.jupiter.api.Test;

/** The shared mapper's decoding rules. */
class JsonTest {

    @Test
    void nullOpaqueFieldReadsAsAbsentButNestedNullsStay() throws Exception {
        RelayedMessage absent = Json.MAPPER.readValue("{\"sender\":{\"type\":\"room\"},\"data\":null}", RelayedMessage.class);
        assertNull(absent.data());

        RelayedMessage nested = Json.MAPPER.readValue("{\"data\":{\"a\":null,\"b\":[null]}}", RelayedMessage.class);
        assertEquals("{\"a\":null,\"b\":[null]}", nested.data().toString());
        assertSame(NullNode.getInstance(), Json.MAPPER.readTree("null"));
    }

    @Test
    void isAbsent() {
        assertTrue(Json.isAbsent(null));
        assertTrue(Json.isAbsent(NullNode.getInstance()));
        assertTrue(Json.isAbsent(Json.MAPPER.createObjectNode().path("missing")));
        assertFalse(Json.isAbsent(Json.MAPPER.createObjectNode()));
    }

    @Test
    void numbersInOpaqueDataKeepTheirValue() {
        String frame = "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},"
                + "\"data\":{\"big\":123456789012345678901234567890,\"pi\":3.14159265358979323846264338327950288,\"x\":0.10}}}";
        assertEquals(frame, Json.write(ClientMessage.parse(frame)));
    }

    @Test
    void deepNestingIsInvalidFormatNotAStackOverflow() {
        String frame = "{\"type\":\"message\",\"message\":{\"recipient\":{\"type\":\"room\"},\"data\":"
                + "[".repeat(30_000) + "]".repeat(30_000) + "}}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> ClientMessage.parse(frame));
        assertSame(ErrorMessage.INVALID_FORMAT, e.error());
    }

    @Test
    void helperMethodsAreNotWireFields() {
        assertEquals("{\"version\":\"1.0\",\"resumeid\":\"r\"}", Json.write(new HelloRequest("1.0", "r", null, null)));
        assertEquals("{\"roomid\":\"\"}", Json.write(new RoomRequest(null, null, null)));
        assertEquals("{\"incall\":7}", Json.write(new InCallRequest(Json.MAPPER.getNodeFactory().numberNode(7), null, null, null)));
    }
}
