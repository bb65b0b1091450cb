package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Nextcloud's answer to a {@code room} request (also the answer to {@code ping}).
 *
 * @param properties  room properties, passed to clients as they are
 * @param permissions {@code null} = absent (very old Talk: every permission except
 *                    {@code hide-displaynames}); otherwise exactly these
 * @param session     optional, e.g. {@code {"userid":..}} for otherwise anonymous users
 */
@JsonPropertyOrder({"version", "roomid", "properties", "session", "permissions"})
public record BackendRoomResponse(
        String version,
        String roomid,
        JsonNode properties,
        List<String> permissions,
        JsonNode session) {
}
