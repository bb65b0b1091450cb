package io.roomcluster.protocol.backend;

/**
 * An unwrapped backend answer.
 *
 * @param statusCode OCS {@code meta.statuscode} (200 or 100 = fine, 429 = brute-force
 *                   throttled); 0 if the body had no OCS envelope or meta
 * @param data       {@code ocs.data}; {@code null} only for a failure status whose data is
 *                   not an object (Nextcloud sends {@code []} when throttling)
 */
public record OcsResult(int statusCode, BackendClientResponse data) {

    public static final int THROTTLED = 429;

    public boolean isThrottled() {
        return statusCode == THROTTLED;
    }
}
