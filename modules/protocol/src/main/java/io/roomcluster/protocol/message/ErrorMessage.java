package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of an {@code error} message, also used by Nextcloud inside backend answers.
 * {@code code} and {@code message} are always written (Go has no omitempty on them).
 *
 * @param details optional, e.g. {@code {"room":{...}}} for {@code already_joined}
 */
@JsonPropertyOrder({"code", "message", "details"})
public record ErrorMessage(
        @JsonInclude(JsonInclude.Include.ALWAYS) String code,
        @JsonInclude(JsonInclude.Include.ALWAYS) String message,
        JsonNode details) {

    public static final ErrorMessage INVALID_FORMAT =
            new ErrorMessage(ErrorCodes.INVALID_FORMAT, ErrorCodes.INVALID_FORMAT_MESSAGE);
    public static final ErrorMessage HELLO_EXPECTED =
            new ErrorMessage(ErrorCodes.HELLO_EXPECTED, ErrorCodes.HELLO_EXPECTED_MESSAGE);
    public static final ErrorMessage INVALID_HELLO_VERSION =
            new ErrorMessage(ErrorCodes.INVALID_HELLO_VERSION, ErrorCodes.INVALID_HELLO_VERSION_MESSAGE);
    public static final ErrorMessage NO_SUCH_SESSION =
            new ErrorMessage(ErrorCodes.NO_SUCH_SESSION, ErrorCodes.NO_SUCH_SESSION_MESSAGE);

    public ErrorMessage {
        code = code == null ? "" : code;
        message = message == null ? "" : message;
    }

    public ErrorMessage(String code, String message) {
        this(code, message, null);
    }
}
