package io.roomcluster.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.roomcluster.room.RoomId;
import io.roomcluster.serialization.CborSerializable;
import java.util.List;
import java.util.Set;

/**
 * Everything a session is, moved from the node that held it to the node its client resumed on.
 * Carries the backend's id, never its secret (each node has its own configuration).
 *
 * @param room null when the session is in no room
 * @param pending frames queued while the client was away, oldest first
 */
public record SessionHandover(
    long sid,
    String publicId,
    String privateId,
    String backendId,
    String authUrl,
    String userId,
    JsonNode user,
    boolean internal,
    List<String> features,
    RoomId room,
    String roomSessionId,
    Set<String> permissions,
    JsonNode properties,
    List<String> pending)
    implements CborSerializable {}
