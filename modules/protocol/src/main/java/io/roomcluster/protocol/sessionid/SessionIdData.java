package io.roomcluster.protocol.sessionid;

import java.time.Instant;
import java.util.Objects;

/**
 * Payload of a 0.4.1-compatible session id ({@code SessionIdData} in nextcloud-spreed-signaling).
 *
 * @param sid       per-process session counter; a Go {@code uint64}, so read it with
 *                  {@link Long#toUnsignedString(long)} / {@link Long#compareUnsigned(long, long)}
 * @param created   creation time, or {@code null} when the id does not carry one
 * @param backendId id of the backend the session belongs to ({@code "compat"} for allowall)
 */
public record SessionIdData(long sid, Instant created, String backendId) {

    public SessionIdData {
        Objects.requireNonNull(backendId, "backendId");
    }
}
