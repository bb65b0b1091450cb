package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/**
 * One frame from a client: {@code {"id":..,"type":"<t>","<t>":{...}}}. Only the payload named
 * by {@code type} is meaningful. Use {@link #parse} then {@link #validate()}; both throw
 * {@link ProtocolException}.
 *
 * @param id            optional request id, echoed in the direct answer
 * @param transientData the {@code "transient"} payload ({@code transient} is a Java keyword)
 * @param internal      payload of internal clients, kept as a tree
 */
@JsonPropertyOrder({"id", "type", "hello", "bye", "room", "message", "control", "internal", "transient"})
public record ClientMessage(
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String id,
        String type,
        HelloRequest hello,
        ByeRequest bye,
        RoomRequest room,
        MessageRequest message,
        MessageRequest control,
        @JsonProperty("transient") TransientRequest transientData,
        JsonNode internal) {

    private static final ObjectReader READER = Json.MAPPER.readerFor(ClientMessage.class);

    /** Decodes a frame; syntax and JSON types only, see {@link #validate()} for the rules. */
    public static ClientMessage parse(byte[] frame) {
        try {
            return requireObject(READER.readValue(frame));
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    /** As {@link #parse(byte[])}, for a text frame; messages and controls take a fast path. */
    public static ClientMessage parse(String frame) {
        ClientMessage relay = RelayFrameParser.parse(frame);
        return relay != null ? relay : parseInGeneral(frame);
    }

    /** {@link #parse(String)} without the fast path. */
    static ClientMessage parseInGeneral(String frame) {
        try {
            return requireObject(READER.readValue(frame));
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    private static ProtocolException invalidJson(IOException e) {
        // The original message leaves out Jackson's excerpt of the (client) input.
        return ProtocolException.invalidFormat(
                e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
    }

    private static ClientMessage requireObject(ClientMessage message) {
        if (message == null) {
            throw ProtocolException.invalidFormat("not a JSON object");
        }
        return message;
    }

    /**
     * Applies the reference's {@code CheckValid} rules. Errors are {@code invalid_format},
     * except an unknown hello version ({@code invalid_hello_version}). Unknown types pass:
     * the server ignores them.
     */
    public ClientMessage validate() {
        if (type == null || type.isEmpty()) {
            throw ProtocolException.invalidFormat("type missing");
        }
        switch (type) {
            case "hello" -> required(hello, "hello").validate();
            case "room" -> required(room, "room").validate();
            case "message" -> required(message, "message").validate();
            case "control" -> required(control, "control").validate();
            case "transient" -> required(transientData, "transient").validate();
            case "internal" -> validateInternal();
            default -> {
                // "bye" needs nothing; unknown types are ignored by the server.
            }
        }
        return this;
    }

    private static <T> T required(T payload, String name) {
        if (payload == null) {
            throw ProtocolException.invalidFormat(name + " missing");
        }
        return payload;
    }

    private void validateInternal() {
        if (internal == null || !internal.isObject()) {
            throw ProtocolException.invalidFormat("internal missing");
        }
        String internalType = Json.nonEmptyText(internal, "type");
        if (internalType == null) {
            throw ProtocolException.invalidFormat("internal type missing");
        }
        switch (internalType) {
            case "addsession", "updatesession", "removesession" -> {
                JsonNode session = internalPayload(internalType);
                if (Json.nonEmptyText(session, "sessionid") == null || Json.nonEmptyText(session, "roomid") == null) {
                    throw ProtocolException.invalidFormat(internalType + " sessionid or roomid missing");
                }
            }
            case "incall" -> internalPayload(internalType);
            case "dialout" -> {
                JsonNode dialout = internalPayload(internalType);
                String dialoutType = Json.nonEmptyText(dialout, "type");
                if (dialoutType == null) {
                    throw ProtocolException.invalidFormat("dialout type missing");
                }
                if (("error".equals(dialoutType) || "status".equals(dialoutType))
                        && !dialout.path(dialoutType).isObject()) {
                    throw ProtocolException.invalidFormat("dialout " + dialoutType + " missing");
                }
            }
            default -> {
                // Unknown internal types are ignored by the server.
            }
        }
    }

    private JsonNode internalPayload(String internalType) {
        JsonNode payload = internal.get(internalType);
        if (payload == null || !payload.isObject()) {
            throw ProtocolException.invalidFormat(internalType + " missing");
        }
        return payload;
    }
}
