package io.roomcluster.protocol.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code participants}/{@code flags} payload for virtual (phone) sessions.
 *
 * @param flags a Go {@code uint32} bit set, hence {@code long}
 */
@JsonPropertyOrder({"roomid", "sessionid", "flags"})
public record FlagsEvent(String roomid, String sessionid, long flags) {
}
