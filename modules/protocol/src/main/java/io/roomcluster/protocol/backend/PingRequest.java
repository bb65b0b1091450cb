package io.roomcluster.protocol.backend;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code ping} request keeping Nextcloud sessions alive.
 *
 * @param roomid {@code ""} when entries of several rooms are combined (session-ping-limit)
 */
@JsonPropertyOrder({"version", "roomid", "entries"})
public record PingRequest(String version, String roomid, List<PingEntry> entries) {
}
