package io.roomcluster.protocol.sessionid;

/** A session id (or one of its layers) is malformed, forged or was signed with other keys. */
public final class InvalidSessionIdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidSessionIdException(String message) {
        super(message);
    }

    public InvalidSessionIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
