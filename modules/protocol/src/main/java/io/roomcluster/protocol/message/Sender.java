package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Who sent a relayed message.
 *
 * @param type   the recipient type the sender used ({@code session}, {@code user}, ...)
 * @param userid omitted for guests
 */
@JsonPropertyOrder({"type", "sessionid", "userid"})
public record Sender(
        String type,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String sessionid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String userid) {
}
