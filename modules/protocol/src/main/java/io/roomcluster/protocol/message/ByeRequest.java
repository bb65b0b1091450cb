package io.roomcluster.protocol.message;

/** Payload of a client {@code bye}: always {@code {}}; the server destroys the session (no resume). */
public record ByeRequest() {
}
