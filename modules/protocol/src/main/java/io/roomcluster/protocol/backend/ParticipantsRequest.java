package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Backend {@code participants}: entries in {@code changed} with a {@code permissions} array
 * update that session's permissions; {@code users} is the full list. Entries are Nextcloud's
 * ({@code sessionId}, {@code inCall}, {@code actorId}, ...), fields vary with the Talk version.
 */
@JsonPropertyOrder({"changed", "users"})
public record ParticipantsRequest(List<ObjectNode> changed, List<ObjectNode> users) {
}
