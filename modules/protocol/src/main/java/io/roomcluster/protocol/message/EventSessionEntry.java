package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One session in a {@code room}/{@code join} event. Field order is HEAD's.
 *
 * @param userid        always written, {@code ""} for guests without a backend user id
 * @param user          the auth user data ({@code {"displayname":..}}), if any
 * @param roomsessionid the Nextcloud room session id
 * @param features      client features (HEAD feature {@code join-features})
 * @param federated     written only when true
 */
@JsonPropertyOrder({"sessionid", "userid", "features", "user", "roomsessionid", "federated"})
public record EventSessionEntry(
        String sessionid,
        @JsonInclude(JsonInclude.Include.ALWAYS) String userid,
        JsonNode user,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String roomsessionid,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> features,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean federated) {

    public EventSessionEntry {
        userid = userid == null ? "" : userid;
    }

    public EventSessionEntry(String sessionid, String userid, JsonNode user, String roomsessionid) {
        this(sessionid, userid, user, roomsessionid, null, null);
    }
}
