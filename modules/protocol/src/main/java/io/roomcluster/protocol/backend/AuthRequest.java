package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code auth} request: the client's hello {@code auth.params}, forwarded verbatim. */
@JsonPropertyOrder({"version", "params"})
public record AuthRequest(String version, JsonNode params) {
}
