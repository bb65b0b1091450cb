package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Backend {@code invite}: {@code roomlist}/{@code invite} to {@code userids},
 * {@code roomlist}/{@code update} to the other {@code alluserids}.
 */
@JsonPropertyOrder({"userids", "alluserids", "properties"})
public record InviteRequest(List<String> userids, List<String> alluserids, JsonNode properties) {
}
