package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Payload of the server's {@code hello} answer (new session and resume look the same).
 *
 * @param sessionid public session id
 * @param resumeid  private id for resuming
 * @param userid    always written, {@code ""} for guests and internal clients
 */
@JsonPropertyOrder({"version", "sessionid", "resumeid", "userid", "server"})
public record HelloResponse(
        String version,
        String sessionid,
        String resumeid,
        @JsonInclude(JsonInclude.Include.ALWAYS) String userid,
        ServerInfo server) {

    public HelloResponse {
        userid = userid == null ? "" : userid;
    }
}
