package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a client {@code transient} message: {@code set} or {@code remove} a key of the
 * room's transient data. Other types pass validation; the server answers them with
 * {@code ignored}.
 *
 * @param value absent on {@code set} means remove
 * @param ttl   time to live in nanoseconds (a Go {@code time.Duration}), absent = no expiry
 */
@JsonPropertyOrder({"type", "key", "value", "ttl"})
public record TransientRequest(String type, String key, JsonNode value, Long ttl) {

    public static final String SET = "set";
    public static final String REMOVE = "remove";

    void validate() {
        if ((SET.equals(type) || REMOVE.equals(type)) && (key == null || key.isEmpty())) {
            throw ProtocolException.invalidFormat("key missing");
        }
    }
}
