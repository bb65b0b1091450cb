package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code session} request announcing a virtual session ({@code action} {@code add} or
 * {@code remove}) that has no actor options.
 *
 * @param sessionid the virtual session's public id
 */
@JsonPropertyOrder({"version", "roomid", "action", "sessionid", "userid", "user"})
public record SessionRequest(
        String version,
        String roomid,
        String action,
        String sessionid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String userid,
        JsonNode user) {

    public static final String ADD = "add";
    public static final String REMOVE = "remove";
}
