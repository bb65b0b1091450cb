package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.databind.JsonNode;

/** Backend {@code message}: {@code data} goes to every session of the room as a {@code room}/{@code message} event. */
public record MessageRequestBody(JsonNode data) {
}
