package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** Payload of the {@code welcome} the server sends first on a new connection (HEAD feature {@code welcome}). */
@JsonPropertyOrder({"version", "features"})
public record WelcomeMessage(String version, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> features) {
}
