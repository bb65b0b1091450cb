package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Backend {@code update}: new room {@code properties}; {@code roomlist}/{@code update} to {@code userids}. */
@JsonPropertyOrder({"userids", "properties"})
public record UpdateRequest(List<String> userids, JsonNode properties) {
}
