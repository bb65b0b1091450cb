package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backend {@code switchto}: tell the listed sessions to move to breakout room {@code roomid}.
 *
 * @param sessions Nextcloud room session ids, either {@code ["id",..]} or
 *                 {@code {"id":{details} or null,..}}; see {@link #sessionDetails()}
 */
@JsonPropertyOrder({"roomid", "sessions"})
public record SwitchtoRequest(String roomid, JsonNode sessions) {

    /**
     * Session id to the details for its {@code switchto} event ({@code null} = none), in
     * request order; both request forms give the same map.
     */
    public Map<String, JsonNode> sessionDetails() {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        if (sessions.isArray()) {
            sessions.forEach(id -> result.put(id.textValue(), null));
        } else {
            sessions.properties().forEach(e -> result.put(e.getKey(), e.getValue().isNull() ? null : e.getValue()));
        }
        return Collections.unmodifiableMap(result);
    }

    void validate() {
        if (roomid == null || roomid.isEmpty()) {
            throw new InvalidBackendRequestException("switchto roomid missing");
        }
        if (sessions == null) {
            throw new InvalidBackendRequestException("switchto sessions missing");
        }
        if (sessions.isArray()) {
            for (JsonNode id : sessions) {
                if (!id.isTextual()) {
                    throw new InvalidBackendRequestException("switchto sessions must be strings");
                }
            }
        } else if (!sessions.isObject()) {
            throw new InvalidBackendRequestException("switchto sessions must be an array or an object");
        }
    }
}
