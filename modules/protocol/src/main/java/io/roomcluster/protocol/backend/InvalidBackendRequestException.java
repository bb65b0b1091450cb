package io.roomcluster.protocol.backend;

/** A request from Nextcloud to {@code /api/v1/room/{token}} that we cannot act on; answer 400 with the message. */
public final class InvalidBackendRequestException extends RuntimeException {

    public InvalidBackendRequestException(String message) {
        super(message);
    }

    public InvalidBackendRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
