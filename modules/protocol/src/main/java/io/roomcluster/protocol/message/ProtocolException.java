package io.roomcluster.protocol.message;

/**
 * A client message the server must answer with an {@code error}: {@link #error()} is what goes
 * on the wire, {@link #getMessage()} the specific reason for the log (the wire text is generic,
 * as in the reference). Thrown per bad frame, so it carries no stack trace.
 */
public final class ProtocolException extends RuntimeException {

    private final ErrorMessage error;

    public ProtocolException(ErrorMessage error, String reason) {
        super(reason, null, false, false);
        this.error = error;
    }

    public static ProtocolException invalidFormat(String reason) {
        return new ProtocolException(ErrorMessage.INVALID_FORMAT, reason);
    }

    public ErrorMessage error() {
        return error;
    }
}
