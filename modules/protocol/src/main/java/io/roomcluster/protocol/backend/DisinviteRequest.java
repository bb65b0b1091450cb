package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Backend {@code disinvite}: {@code roomlist}/{@code disinvite} to {@code userids} and to the
 * sessions of {@code sessionids} (Nextcloud room session ids, {@code "0"} = none), then
 * {@code roomlist}/{@code update} to the remaining {@code alluserids}.
 */
@JsonPropertyOrder({"userids", "sessionids", "alluserids", "properties"})
public record DisinviteRequest(
        List<String> userids,
        List<String> sessionids,
        List<String> alluserids,
        JsonNode properties) {
}
