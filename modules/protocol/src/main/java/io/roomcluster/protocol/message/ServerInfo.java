package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code hello.server}: documented as deprecated, but the Talk web client rebuilds its feature
 * set from it, so it is always sent.
 */
@JsonPropertyOrder({"version", "features"})
public record ServerInfo(String version, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> features) {
}
