package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Addressee of a {@code message}/{@code control}: {@code session} (by public session id),
 * {@code user} (all sessions of a user id), {@code room} or {@code call} (the sender's room).
 */
@JsonPropertyOrder({"type", "sessionid", "userid"})
public record Recipient(
        String type,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String sessionid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String userid) {

    public static final String SESSION = "session";
    public static final String USER = "user";
    public static final String ROOM = "room";
    public static final String CALL = "call";

    void validate() {
        if (type == null) {
            throw ProtocolException.invalidFormat("recipient type missing");
        }
        switch (type) {
            case SESSION -> {
                if (sessionid == null || sessionid.isEmpty()) {
                    throw ProtocolException.invalidFormat("session id missing");
                }
            }
            case USER -> {
                if (userid == null || userid.isEmpty()) {
                    throw ProtocolException.invalidFormat("user id missing");
                }
            }
            case ROOM, CALL -> {
                // The sender's room is the target.
            }
            default -> throw ProtocolException.invalidFormat("unsupported recipient type " + type);
        }
    }
}
