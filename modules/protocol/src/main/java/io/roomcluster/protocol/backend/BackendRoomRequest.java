package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code room} request: join (no {@code action}) or {@code "action":"leave"}. {@code roomid},
 * {@code userid} and {@code sessionid} are always written ({@code "userid":""} for guests), the
 * rest only when set, in Go's field order.
 *
 * @param sessionid the Nextcloud room session id
 * @param actorid   with {@code actortype} and {@code incall}: virtual sessions and federated users
 */
@JsonPropertyOrder({"version", "roomid", "action", "userid", "sessionid", "actorid", "actortype", "incall"})
public record BackendRoomRequest(
        String version,
        @JsonInclude(JsonInclude.Include.ALWAYS) String roomid,
        @JsonInclude(JsonInclude.Include.ALWAYS) String userid,
        @JsonInclude(JsonInclude.Include.ALWAYS) String sessionid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String action,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String actorid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String actortype,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Integer incall) {

    public static final String LEAVE = "leave";

    public BackendRoomRequest {
        roomid = roomid == null ? "" : roomid;
        userid = userid == null ? "" : userid;
        sessionid = sessionid == null ? "" : sessionid;
    }
}
