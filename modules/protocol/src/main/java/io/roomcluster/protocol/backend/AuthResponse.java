package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Nextcloud's answer to {@code auth}.
 *
 * @param userid {@code ""} for guests (Nextcloud may omit it)
 * @param user   user data for join events, e.g. {@code {"displayname":..}}; often {@code null}
 */
@JsonPropertyOrder({"version", "userid", "user"})
public record AuthResponse(String version, @JsonInclude(JsonInclude.Include.ALWAYS) String userid, JsonNode user) {

    public AuthResponse {
        userid = userid == null ? "" : userid;
    }
}
