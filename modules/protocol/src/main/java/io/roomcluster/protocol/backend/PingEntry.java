package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One session in a {@code ping} request.
 *
 * @param userid    omitted for guests and virtual sessions
 * @param sessionid the Nextcloud room session id (virtual sessions: their public id)
 */
@JsonPropertyOrder({"userid", "sessionid"})
public record PingEntry(@JsonInclude(JsonInclude.Include.NON_EMPTY) String userid, String sessionid) {
}
