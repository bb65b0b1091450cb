package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Backend {@code incall}: {@code {"incall":7,"changed":[..],"users":[..]}} or
 * {@code {"incall":0,"all":true}} (feature {@code incall-all}).
 *
 * @param incall  in-call flags; kept as a tree because old Talk versions did not send a number
 *                (Go keeps it raw too), see {@link #flags()}
 * @param changed Nextcloud participant entries, fields vary with the Talk version
 * @param users   all participants, same entry shape
 */
@JsonPropertyOrder({"incall", "all", "changed", "users"})
public record InCallRequest(
        JsonNode incall,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean all,
        List<ObjectNode> changed,
        List<ObjectNode> users) {

    /** The flags as a number ({@code true} = 1, anything unreadable = 0). */
    public int flags() {
        return incall == null ? 0 : incall.asInt();
    }
}
