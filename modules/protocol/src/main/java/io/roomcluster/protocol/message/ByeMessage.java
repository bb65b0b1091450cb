package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Payload of a server {@code bye}; {@code reason} is always written ({@code ""} when answering
 * a client's bye, as 0.4.1 does), e.g. {@code hello_timeout}, {@code session_resumed}.
 */
public record ByeMessage(@JsonInclude(JsonInclude.Include.ALWAYS) String reason) {

    public ByeMessage {
        reason = reason == null ? "" : reason;
    }
}
