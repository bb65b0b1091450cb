package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Payload of a server {@code transient} message: {@code set}/{@code remove} of one key
 * (with the previous value) or {@code initial} with all {@code data} on join.
 */
@JsonPropertyOrder({"type", "key", "oldvalue", "value", "data"})
public record TransientMessage(
        String type,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String key,
        JsonNode value,
        JsonNode oldvalue,
        JsonNode data) {

    public static TransientMessage set(String key, JsonNode value, JsonNode oldvalue) {
        return new TransientMessage("set", key, value, oldvalue, null);
    }

    public static TransientMessage remove(String key, JsonNode oldvalue) {
        return new TransientMessage("remove", key, null, oldvalue, null);
    }

    public static TransientMessage initial(JsonNode data) {
        return new TransientMessage("initial", null, null, null, data);
    }
}
