package io.roomcluster.protocol.backend;

/** A Nextcloud answer that is not a (possibly OCS-wrapped) backend response object. */
public final class InvalidBackendResponseException extends RuntimeException {

    public InvalidBackendResponseException(String message) {
        super(message);
    }

    public InvalidBackendResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
