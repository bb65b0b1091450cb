package io.roomcluster.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a client {@code message} or {@code control}.
 *
 * @param data opaque, relayed unchanged; required
 */
public record MessageRequest(Recipient recipient, RawJson data) {

    public MessageRequest(Recipient recipient, JsonNode data) {
        this(recipient, Json.isAbsent(data) ? null : RawJson.of(data));
    }

    void validate() {
        if (data == null) {
            throw ProtocolException.invalidFormat("message empty");
        }
        if (recipient == null) {
            throw ProtocolException.invalidFormat("recipient missing");
        }
        recipient.validate();
    }
}
