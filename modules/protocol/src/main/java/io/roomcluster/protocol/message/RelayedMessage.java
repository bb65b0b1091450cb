package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a server {@code message}/{@code control}: a client's {@code data} with its sender.
 *
 * @param recipient only set when a message for a virtual session goes to its internal client
 */
@JsonPropertyOrder({"sender", "recipient", "data"})
public record RelayedMessage(Sender sender, Recipient recipient, JsonNode data) {

    public RelayedMessage(Sender sender, JsonNode data) {
        this(sender, null, data);
    }
}
